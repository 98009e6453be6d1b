import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufBinary } from '@govhall/testing';
import { REPO_ROOT } from './processes';

/**
 * `buf breaking`, as CI runs it against the previous commit of main, on copies of the real contracts: a change a
 * running consumer cannot read (a removed or renumbered field) fails; adding a field passes.
 */
describe('buf breaking keeps contracts readable by running consumers', () => {
  let work: string;

  /** A copy of the workspace's buf.yaml and proto/ as `name`, changed by `edit`. */
  function copy(name: string, edit: (events: string) => string = (text) => text): string {
    const dir = join(work, name);
    cpSync(join(REPO_ROOT, 'proto'), join(dir, 'proto'), { recursive: true });
    cpSync(join(REPO_ROOT, 'buf.yaml'), join(dir, 'buf.yaml'));
    const events = join(dir, 'proto/govhall/catalogue/v1/events.proto');
    writeFileSync(events, edit(readFileSync(events, 'utf8')));
    return dir;
  }
  const breaking = (dir: string, against: string) =>
    spawnSync(bufBinary(), ['breaking', '--against', against], { cwd: dir, encoding: 'utf8' });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'govhall-breaking-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('fails on a removed field, naming it', () => {
    const before = copy('before');
    const after = copy('removed', (text) => text.replace('  int32 based_on_version = 4;\n', ''));
    const result = breaking(after, before);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain('"based_on_version" on message "ItemDrafted" was deleted');
  });

  it('fails on a renumbered field', () => {
    const before = copy('before-renumber');
    const after = copy('renumbered', (text) => text.replace('bool item_removed = 3;', 'bool item_removed = 7;'));
    expect(breaking(after, before).status).not.toBe(0);
  });

  it('passes an added field', () => {
    const before = copy('before-add');
    const after = copy('added', (text) =>
      text.replace('  int32 based_on_version = 4;\n', '  int32 based_on_version = 4;\n  string note = 5;\n'),
    );
    const result = breaking(after, before);
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: '' });
  });
});
