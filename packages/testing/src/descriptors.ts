import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, type FileDescriptorSet } from '@bufbuild/protobuf/wkt';

const REPO_PROTO = resolve(__dirname, '..', '..', '..', 'proto');

/** The buf binary of the workspace (`@bufbuild/buf`). */
export function bufBinary(): string {
  return require.resolve('@bufbuild/buf/bin/buf');
}

/**
 * Compiles test-only .proto folders with buf, as `pnpm generate` compiles the contracts: the folders' files plus
 * the standard health proto (every kit server serves it), imports and comments included. For kit tests whose
 * fixtures are not contracts.
 */
export function buildDescriptors(protoFolders: readonly string[]): FileDescriptorSet {
  const work = mkdtempSync(join(tmpdir(), 'govhall-buf-'));
  try {
    const module = join(work, 'proto');
    for (const folder of protoFolders) cpSync(folder, module, { recursive: true, filter: (p) => !p.endsWith('.ts') });
    cpSync(join(REPO_PROTO, 'grpc'), join(module, 'grpc'), { recursive: true });
    writeFileSync(join(work, 'buf.yaml'), 'version: v2\nmodules:\n  - path: proto\n');
    const out = join(work, 'descriptors.binpb');
    execFileSync(bufBinary(), ['build', '-o', out], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    return fromBinary(FileDescriptorSetSchema, readFileSync(out));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
