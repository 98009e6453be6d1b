/**
 * Guide search bench: 5,000 generated published items in a fresh PostgreSQL database, then p50 / p95 latency
 * of `ItemService.searchGuide` (bigram GIN index, ranking, excerpts) against a naive `ILIKE '%kw%'` scan over
 * the same items' name, department and content, measured side by side (interleaved) in the same run. Our
 * machines are small and noisy: read the ratios.
 *
 *   pnpm --filter @govhall/catalogue bench            (or `pnpm bench` at the root)
 *
 * Uses TEST_DATABASE_URL (a superuser URL) when set, else starts a throwaway cluster (initdb + pg_ctl).
 * BENCH_ITEMS (default 5000) and BENCH_ROUNDS (default 15) change the size of the run; BENCH_KEEP_DATABASE=1
 * keeps the database (its name is printed) to look at plans with psql afterwards.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDatabase, createLogger, migrate, SequentialIds, systemClock, type Database } from '@govhall/kit';
import { createTestDatabase, startPostgresCluster, type RunningPostgres } from '@govhall/testing';
import { sql } from 'kysely';
import { catalogueCommands } from '../src/adapters/store/commands';
import { PgItemStore } from '../src/adapters/store/pg-item-store';
import { PgOrganisationStore, type CatalogueTables } from '../src/adapters/store/pg-organisation-store';
import { ItemService } from '../src/app/item-service';
import { OrganisationService } from '../src/app/organisation-service';
import { publishProblems, validateItemInput, type ItemContent } from '../src/domain/items';
import { guideDocument, parseGuideQuery } from '../src/domain/items-search';
import type { HallTier } from '../src/domain/organisation';
import { generateItem, planDepartments, seededRandom } from './catalogue-generator';

const ITEMS = Number(process.env['BENCH_ITEMS'] ?? 5000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);
const WARMUP = 2;
const BATCH = 250;

/** What applicants type: common and rare, 1 character, mixed latin, two phrases. */
const QUERIES = [
  '营业执照',
  '食品经营许可',
  '施工许可',
  '户口迁移',
  '社保卡',
  '排污许可证',
  '证',
  '税',
  'ICP许可',
  'B2C平台',
  '特种设备 使用登记',
  '申请',
] as const;

const DISTRICTS = ['奎文区', '潍城区', '寒亭区', '坊子区', '高新区'];
const TOWNSHIPS = ['东关街道', '大虞街道', '北海路街道', '广文街道', '梨园街道'];

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
const fmt = (ms: number): string => ms.toFixed(ms < 10 ? 2 : 1);

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** The naive alternative: a sequential ILIKE over name, department name and the content document. */
function naiveSearch(database: Database<CatalogueTables>, query: string, limit: number) {
  const patterns = parseGuideQuery(query).query.phrases.map((p) => `%${p}%`);
  const matches = (pattern: string) =>
    sql<boolean>`(v.name ilike ${pattern} or d.name ilike ${pattern} or v.content::text ilike ${pattern})`;
  const all = sql.join(
    patterns.map((p) => matches(p)),
    sql` and `,
  );
  const nameFirst = sql.join(
    patterns.map((p) => sql`v.name ilike ${p}`),
    sql` and `,
  );
  return sql<{ item_id: string; total: number }>`
    select v.item_id, v.name, d.name as department_name, (count(*) over ())::int as total
    from catalogue.item_versions v join catalogue.departments d on d.id = v.department_id
    where v.status = 'published' and ${all}
    order by (${nameFirst}) desc, v.implementation_code
    limit ${limit}`.execute(database.db);
}

async function main(): Promise<void> {
  const began = performance.now();
  const logger = createLogger({ service: 'guide-search-bench', level: 'warn' });
  let cluster: RunningPostgres | undefined;
  if (!process.env['TEST_DATABASE_URL']) {
    cluster = await startPostgresCluster();
    process.env['TEST_DATABASE_URL'] = cluster.adminUrl;
  }
  const testDatabase = await createTestDatabase('bench');
  const database = createDatabase<CatalogueTables>({ url: testDatabase.url, schema: 'catalogue', poolMax: 4 });
  try {
    await migrate({ pool: database.pool, schema: 'catalogue', folder: join(__dirname, '..', 'migrations'), logger });
    const ids = new SequentialIds('b');
    const commands = catalogueCommands(database, { clock: systemClock, ids, regionCode: '370700' });
    const organisation = new OrganisationService(new PgOrganisationStore(commands), systemClock, ids);
    const store = new PgItemStore(commands);
    const items = new ItemService(store, systemClock, ids);

    // ---- the organisation: a city, five districts, a street in each ----
    const rid = (): { requestId: string } => ({ requestId: `bench-${ids.next()}` });
    const city = await organisation.createHall(rid(), {
      name: '潍坊市政务服务中心',
      tier: 'city',
      regionCode: '370700',
      parentHallId: null,
      address: '',
      kind: 'main',
      complaintPhone: '12345',
      complaintUrl: '',
    });
    const halls = new Map<string, { id: string; tier: HallTier }>([['city', { id: city.id, tier: 'city' }]]);
    for (const [i, district] of DISTRICTS.entries()) {
      const hall = await organisation.createHall(rid(), {
        name: `${district}政务服务中心`,
        tier: 'district',
        regionCode: `37070${i + 2}`,
        parentHallId: city.id,
        address: '',
        kind: 'main',
        complaintPhone: '12345',
        complaintUrl: '',
      });
      halls.set(district, { id: hall.id, tier: 'district' });
      const street = await organisation.createHall(rid(), {
        name: `${TOWNSHIPS[i]}便民服务中心`,
        tier: 'township',
        regionCode: `37070${i + 2}001`,
        parentHallId: hall.id,
        address: '',
        kind: 'main',
        complaintPhone: '12345',
        complaintUrl: '',
      });
      halls.set(TOWNSHIPS[i]!, { id: street.id, tier: 'township' });
    }
    const planned = planDepartments(DISTRICTS, TOWNSHIPS);
    const departments: { plan: (typeof planned)[number]; id: string; hallId: string }[] = [];
    for (const plan of planned) {
      const hallKey =
        plan.hallTier === 'city' ? 'city' : [...DISTRICTS, ...TOWNSHIPS].find((n) => plan.name.startsWith(n))!;
      const hallId = halls.get(hallKey)!.id;
      const created = await organisation.createDepartment(rid(), {
        hallId,
        code: plan.code,
        name: plan.name,
        nature: 'legal_organ',
        tier: undefined,
        regionCode: '',
        consultationPhone: '12345',
      });
      departments.push({ plan, id: created.id, hallId });
    }

    // ---- 5,000 valid items, published and indexed through the store in batches ----
    const random = seededRandom(20_260_105);
    const loadStart = performance.now();
    let indexedRows = 0;
    for (let start = 0; start < ITEMS; start += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, ITEMS - start) }, (_, k) => {
        const index = start + k;
        const department = departments[Math.floor(random() * departments.length)]!;
        const input = generateItem(random, index, department.plan, department.id);
        const problems = validateItemInput(input);
        const content = { ...input, bodyNature: 'legal_organ' } as ItemContent;
        problems.push(...publishProblems(content));
        if (problems.length > 0) throw new Error(`generated item ${index} is invalid: ${JSON.stringify(problems)}`);
        return { content, department };
      });
      await store.maintain(async (tx) => {
        for (const { content, department } of batch) {
          const now = new Date();
          const itemId = ids.next();
          await tx.insertItem({
            id: itemId,
            baseCode: content.baseCode,
            implementationCode: content.implementationCode,
            createdAt: now,
            frozenAt: null,
          });
          await tx.saveVersion({
            itemId,
            version: 1,
            status: 'published',
            revision: 1,
            content,
            createdAt: now,
            updatedAt: now,
            publishedAt: now,
            retiredAt: null,
            retiredReason: null,
            mergedIntoItemId: null,
            frozenAt: null,
          });
          const fields = guideDocument(content, department.plan.name);
          indexedRows += fields.length;
          await tx.replaceGuideEntry({
            itemId,
            version: 1,
            departmentId: department.id,
            hallId: department.hallId,
            acceptTiers: content.acceptTiers,
            fields,
          });
        }
      });
    }
    const loadMs = performance.now() - loadStart;
    await sql`vacuum analyze catalogue.item_versions`.execute(database.db);
    await sql`vacuum analyze catalogue.item_search_fields`.execute(database.db);
    const size = await sql<{ table: string; index: string }>`
      select pg_size_pretty(pg_total_relation_size('catalogue.item_search_fields')) as table,
             pg_size_pretty(pg_relation_size('catalogue.item_search_fields_terms')) as index`.execute(database.db);
    const plan = await sql<{ 'QUERY PLAN': string }>`
      explain select item_id from catalogue.item_search_fields where terms && ${['营业', '业执', '执照']}::text[]`.execute(
      database.db,
    );
    const usesIndex = plan.rows.some((r) => r['QUERY PLAN'].includes('item_search_fields_terms'));

    // ---- publishing with index upkeep, through the use case (same transaction as the publish) ----
    const publishTimes: number[] = [];
    const sample = departments.find((d) => d.plan.hallTier === 'city')!;
    for (let i = 0; i < 20; i += 1) {
      const input = generateItem(random, ITEMS + i, sample.plan, sample.id);
      const draft = await items.createItem(rid(), input);
      publishTimes.push(await time(() => items.publishItem(rid(), draft.itemId, 1, draft.revision)));
    }
    publishTimes.sort((a, b) => a - b);

    // ---- queries, interleaved: guide search, naive scan, guide search, naive scan, ... ----
    console.log('');
    console.log(`guide search bench: ${ITEMS} published items, ${departments.length} departments, ${ROUNDS} rounds`);
    console.log(
      `  load ${(loadMs / 1000).toFixed(1)} s (${fmt(loadMs / ITEMS)} ms per item, ${indexedRows} index rows); ` +
        `index table ${size.rows[0]!.table}, GIN ${size.rows[0]!.index}; GIN used for && : ${usesIndex ? 'yes' : 'NO'}`,
    );
    console.log(
      `  publish with index upkeep (PublishItem use case): p50 ${fmt(percentile(publishTimes, 50))} ms, p95 ${fmt(percentile(publishTimes, 95))} ms`,
    );
    console.log('');
    const header = ['query', 'answers', 'naive', 'search p50', 'p95', 'naive p50', 'p95', 'p50 ×', 'p95 ×'];
    const rows: string[][] = [];
    const ratios: number[] = [];
    for (const query of QUERIES) {
      const search = (): Promise<unknown> => items.searchGuide(query, {}, { size: 20, token: '' });
      const naive = (): Promise<unknown> => naiveSearch(database, query, 20);
      for (let i = 0; i < WARMUP; i += 1) {
        await search();
        await naive();
      }
      const s: number[] = [];
      const n: number[] = [];
      for (let i = 0; i < ROUNDS; i += 1) {
        // Alternate which goes first, so neither always runs on a warmer cache.
        if (i % 2 === 0) {
          s.push(await time(search));
          n.push(await time(naive));
        } else {
          n.push(await time(naive));
          s.push(await time(search));
        }
      }
      s.sort((a, b) => a - b);
      n.sort((a, b) => a - b);
      const answers = (await items.searchGuide(query, {}, { size: 1, token: '' })).totalMatches;
      const naiveAnswers = (await naiveSearch(database, query, 1)).rows[0]?.total ?? 0;
      const p50 = percentile(n, 50) / percentile(s, 50);
      ratios.push(p50);
      rows.push([
        query,
        String(answers),
        String(naiveAnswers),
        fmt(percentile(s, 50)),
        fmt(percentile(s, 95)),
        fmt(percentile(n, 50)),
        fmt(percentile(n, 95)),
        p50.toFixed(1),
        (percentile(n, 95) / percentile(s, 95)).toFixed(1),
      ]);
    }
    // Chinese characters take two columns in a terminal.
    const width = (text: string): number =>
      [...text].reduce((sum, c) => sum + (c.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0);
    const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
    const line = (cells: readonly string[]): string =>
      cells
        .map((c, i) => (i === 0 ? c + ' '.repeat(widths[i]! - width(c)) : ' '.repeat(widths[i]! - width(c)) + c))
        .join('  ');
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    const geomean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
    console.log('');
    console.log(
      `  times in ms; × = naive ILIKE time / guide search time (higher: search faster). Geometric mean of p50 ×: ${geomean.toFixed(1)}`,
    );
    console.log(
      '  answers: guide search (more than half of the query terms, ranked); naive: items containing the exact phrase(s)',
    );
    console.log(`  total ${((performance.now() - began) / 1000).toFixed(0)} s`);
  } finally {
    await database.close();
    if (process.env['BENCH_KEEP_DATABASE'] === '1') console.log(`  kept database ${testDatabase.url}`);
    else await testDatabase.drop();
    await cluster?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
