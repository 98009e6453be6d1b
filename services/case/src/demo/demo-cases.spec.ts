import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDemoCases, tuesdayOfLastWeek } from './demo-cases';

/** A demo file with one case, `extra` merged in (YAML as JSON, which YAML reads). */
function demoFile(caseFields: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const file = join(mkdtempSync(join(tmpdir(), 'demo-cases-')), 'cases.yaml');
  const demo = {
    key: 'one-case',
    hall: 'city',
    item: '11370700SCJG000105003000',
    register: { window: 'A01', staff: '700GLB01' },
    accept: { window: 'B02', staff: '700SCJG01' },
    applicant: { kind: 'APPLICANT_KIND_PERSON' },
    steps: [],
    ...caseFields,
  };
  writeFileSync(file, JSON.stringify({ cases: [demo], meetings: [], archive: [], ...extra }));
  return file;
}

describe('the demo cases file', () => {
  it('reads the shipped file: every case, meeting and archive batch', () => {
    const data = readDemoCases();
    expect(data.cases.length).toBeGreaterThanOrEqual(10);
    expect(data.cases.filter((c) => c.when === 'last-week').map((c) => c.key)).toEqual(['company-setup-archived']);
    expect(data.meetings[0]?.decisions.map((d) => d.case)).toEqual([
      'investment-joint-meeting',
      'investment-joint-meeting',
    ]);
  });

  it('refuses a step with two actions, or with none known', () => {
    const two = demoFile({ steps: [{ as: '700SCJG02', take: {}, review: { opinion: '同意' } }] });
    expect(() => readDemoCases(two)).toThrow(/cases\.0\.steps\.0: one action besides `as`/);
    const unknown = demoFile({ steps: [{ as: '700SCJG02', approveAll: {} }] });
    expect(() => readDemoCases(unknown)).toThrow(/cases\.0\.steps\.0: the action is one of take, assign/);
  });

  it('一费制: a feesPaid step stands in for the fee service, with no staff member; a staff action needs one', () => {
    const paid = demoFile({ steps: [{ feesPaid: { paidFen: 8000 } }] });
    expect(readDemoCases(paid).cases[0]?.steps).toEqual([{ feesPaid: { paidFen: 8000, billIds: [] } }]);
    const asStaff = demoFile({ steps: [{ as: '700SCJG01', feesPaid: { paidFen: 8000 } }] });
    expect(() => readDemoCases(asStaff)).toThrow(/cases\.0\.steps\.0: a staff action names its staff member/);
    const nobody = demoFile({ steps: [{ review: { opinion: '同意' } }] });
    expect(() => readDemoCases(nobody)).toThrow(/cases\.0\.steps\.0: a staff action names its staff member/);
    const negative = demoFile({ steps: [{ feesPaid: { paidFen: -1 } }] });
    expect(() => readDemoCases(negative)).toThrow(/cases\.0\.steps\.0\.feesPaid\.paidFen/);
  });

  it('refuses a meeting or an archive batch that names a case the file does not hold', () => {
    const file = demoFile(
      {},
      {
        archive: [{ key: 'a-batch', hall: 'city', department: 'SCJG', staff: '700SCJG01', weekOf: 'no-such-case' }],
      },
    );
    expect(() => readDemoCases(file)).toThrow(/unknown: no-such-case/);
  });

  it('refuses a field it does not know, naming it', () => {
    expect(() => readDemoCases(demoFile({ stage: 'REVIEW' }))).toThrow(/cases\.0: Unrecognized key: "stage"/);
  });
});

describe('the Tuesday of last week (Beijing time)', () => {
  it.each([
    ['a Wednesday', '2026-12-02T10:00:00+08:00'],
    ['a Monday just after midnight', '2026-11-30T00:10:00+08:00'],
    ['a Sunday night', '2026-12-06T23:50:00+08:00'],
    ['a Sunday in UTC that is Monday in Beijing', '2026-11-29T16:30:00Z'],
  ])('from %s', (_what, now) => {
    expect(tuesdayOfLastWeek(new Date(now)).toISOString()).toBe('2026-11-24T01:30:00.000Z');
  });

  it('from the next Monday it is the week after', () => {
    expect(tuesdayOfLastWeek(new Date('2026-12-07T09:00:00+08:00')).toISOString()).toBe('2026-12-01T01:30:00.000Z');
  });
});
