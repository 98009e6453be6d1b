import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileRegistry, fromBinary, type DescMessage, type Message } from '@bufbuild/protobuf';
import { staffRole } from '@govhall/catalogue';
import { catalogueV1, contractDescriptors } from '@govhall/contracts';
import { callUnary, createTokenVerifier, isIdField } from '@govhall/kit';
import { aStaffMember, createTestKey } from '@govhall/kit/testing';
import { DemoClock, PLATFORM_SERVICES, type StartedService } from '@govhall/launcher/platform';
import {
  createTestDatabase,
  expectNoInternalAnswers,
  formatFuzzReport,
  fuzzGrpcServices,
  sharedNatsUrl,
  uniqueRegionCode,
  type TestDatabase,
} from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';

/**
 * The random-input sweep over every method of every service of the platform (the launcher's list, so a new
 * service is covered the day it is added there): random and edge-case requests, as the public, as staff holding
 * every role and as every service, must never be answered INTERNAL, UNKNOWN, with a dropped connection or not
 * at all. The demo data is loaded first, and the ids the public List methods answer seed the strings, so
 * requests get past "not found" into the rules and the store.
 */
/** Every staff role the directory knows. */
const ROLES = staffRole.values;
const registry = createFileRegistry(contractDescriptors());

/** Strings of id fields (`id`, `*_id`) anywhere in a message. */
function idsIn(schema: DescMessage, message: Message, into: Set<string>): void {
  for (const field of schema.fields) {
    const value = (message as unknown as Record<string, unknown>)[field.localName];
    if (value === undefined || value === null) continue;
    const isId = isIdField(field.name);
    if (field.fieldKind === 'scalar' && typeof value === 'string' && isId && value) into.add(value);
    if (field.fieldKind === 'list' && field.listKind === 'scalar' && isId) {
      for (const item of value as unknown[]) if (typeof item === 'string' && item) into.add(item);
    }
    if (field.fieldKind === 'message') idsIn(field.message, value as Message, into);
    if (field.fieldKind === 'list' && field.listKind === 'message') {
      for (const item of value as Message[]) idsIn(field.message, item, into);
    }
  }
}

/** Asks every public `List*` method of a service with an empty request and keeps the ids it answers. */
async function harvestIds(address: string, serviceName: string): Promise<string[]> {
  const service = registry.getService(serviceName);
  if (!service) return [];
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const ids = new Set<string>();
  try {
    for (const method of service.methods.filter((m) => m.name.startsWith('List') && m.methodKind === 'unary')) {
      const bytes = await new Promise<Buffer | undefined>((resolve) => {
        client.makeUnaryRequest(
          `/${serviceName}/${method.name}`,
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          new grpc.Metadata(),
          { deadline: Date.now() + 5_000 },
          (error, reply) => resolve(error ? undefined : reply),
        );
      });
      if (bytes) idsIn(method.output, fromBinary(method.output, bytes), ids);
    }
  } finally {
    client.close();
  }
  return [...ids].slice(0, 200);
}

/** The demo city hall and one of its departments, read from the catalogue. */
async function demoPlace(catalogueAddress: string): Promise<{ hallId: string; departmentId: string }> {
  const client = new catalogueV1.OrganisationServiceClient(catalogueAddress, grpc.credentials.createInsecure());
  try {
    const { halls } = await callUnary(
      client,
      'listHalls',
      catalogueV1.ListHallsRequest.fromPartial({ tier: catalogueV1.HallTier.HALL_TIER_CITY }),
    );
    const hallId = halls[0]!.id;
    const { departments } = await callUnary(client, 'listDepartments', { hallId, includeInactive: false });
    return { hallId, departmentId: departments[0]!.id };
  } finally {
    client.close();
  }
}

describe('random and edge-case requests to every method of every service', () => {
  const region = uniqueRegionCode();
  const key = createTestKey();
  const trustedKeysFile = join(mkdtempSync(join(tmpdir(), 'govhall-keys-')), 'trusted-keys.json');
  writeFileSync(trustedKeysFile, JSON.stringify({ keys: [key.entry] }));
  let database: TestDatabase;
  const started: { name: string; service: StartedService }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const keysDir = mkdtempSync(join(tmpdir(), 'govhall-service-keys-'));
    const peers = new Map<string, string>();
    const clock = new DemoClock();
    for (const entry of PLATFORM_SERVICES) {
      const service = await entry.start({
        regionCode: region,
        databaseUrl: database.url,
        natsUrl: sharedNatsUrl(),
        verifier: createTokenVerifier({ trustedKeys: key.trustedKeys }),
        trustedKeysFile,
        logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
        grpcPort: 0,
        httpPort: 0,
        keysDir,
        dataDir: keysDir,
        peers,
        signer: key.signer(),
        clock,
      });
      peers.set(entry.name, `127.0.0.1:${service.grpcPort}`);
      started.push({ name: entry.name, service });
      // As the launcher does: a service reading the others' demos loads its own after theirs.
      if (!entry.demoLast) await service.loadDemo();
    }
    for (const { name, service } of started)
      if (PLATFORM_SERVICES.find((s) => s.name === name)?.demoLast) await service.loadDemo();
  }, 120_000);
  afterAll(async () => {
    for (const { service } of started.reverse()) await service.stop();
    await database.drop();
  });

  it.each(PLATFORM_SERVICES.map((s) => s.name))(
    '%s: no request is answered INTERNAL, UNKNOWN, dropped or left hanging',
    async (name) => {
      const { service } = started.find((s) => s.name === name)!;
      const address = `127.0.0.1:${service.grpcPort}`;
      // Ids of every service: a later service's requests name the catalogue's halls, windows and items.
      const harvested = await Promise.all(
        started.flatMap(({ service: s }) => s.grpcServices.map((name) => harvestIds(`127.0.0.1:${s.grpcPort}`, name))),
      );
      // And what no public List answers (the demo's case ids and numbers, meetings, bundles, archive batches):
      // those of the service under test weigh as much as all the rest, so its requests name its own records.
      const others = [...new Set([...harvested.flat(), ...started.flatMap(({ service: s }) => s.demoIds?.() ?? [])])];
      const own = service.demoIds?.() ?? [];
      const pool = [
        ...others,
        ...Array.from({ length: Math.ceil(others.length / Math.max(1, own.length)) }, () => own).flat(),
      ];
      expect(pool.length).toBeGreaterThan(0);
      // Callers in turn: the public, staff holding every role (of a demo hall and department, so that requests
      // pass the hall checks into the rules), and services.
      const place = await demoPlace(`127.0.0.1:${started[0]!.service.grpcPort}`);
      const tokens = [
        undefined,
        await key.signer().signStaff(aStaffMember({ roles: ROLES, regionCode: region })),
        await key.signer().signStaff(aStaffMember({ roles: ROLES, regionCode: region, ...place })),
        await key.signer().signService('case'),
        await key.signer().signService('notify'),
        // The gateway: the services' staff reads also admit it (timing's calendar horizon only it, besides staff).
        await key.signer().signService('gateway'),
      ];
      let turn = 0;
      const report = await fuzzGrpcServices({
        address,
        registry,
        // Health too: the kit serves it beside every service.
        services: [...service.grpcServices, 'grpc.health.v1.Health'],
        pools: { strings: pool },
        metadata: () => {
          const metadata = new grpc.Metadata();
          const token = tokens[turn++ % tokens.length];
          if (token) metadata.set('authorization', `Bearer ${token}`);
          return metadata;
        },
        ...(process.env['FUZZ_RUNS'] ? { runsPerMethod: Number(process.env['FUZZ_RUNS']) } : {}),
      });
      if (process.env['FUZZ_REPORT']) console.log(formatFuzzReport(report));
      // Every unary method was called, with more than one kind of answer between them.
      expect(Object.keys(report.byMethod).length).toBeGreaterThan(0);
      expect(report.calls).toBeGreaterThan(Object.keys(report.byMethod).length * 10);
      expectNoInternalAnswers(report);
    },
    120_000,
  );
});
