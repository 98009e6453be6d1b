import type { ClockState } from './clock';
import { chargeAboveStandardFinding, currentStageOf, yuanOf } from './supervision';

describe('yuanOf', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [90, '0.90'],
    [100, '1.00'],
    [9000, '90.00'],
    [12001, '120.01'],
    [-5, '-0.05'],
    [-12345, '-123.45'],
    // The largest number of fen a number holds exactly: every digit kept.
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('%d fen is %s yuan', (fen, yuan) => {
    expect(yuanOf(fen)).toBe(yuan);
  });

  it('refuses a fraction of a fen', () => {
    expect(() => yuanOf(0.5)).toThrow(RangeError);
  });
});

describe('chargeAboveStandardFinding', () => {
  const line = { name: '城市基础设施配套费', feeCode: 'F-CSJS', standardFen: 9000, chargedFen: 12000 };

  it('names the fee, the standard, what was charged and the bill', () => {
    expect(chargeAboveStandardFinding(line, 'FJ2026000123')).toBe(
      '超标准收费：城市基础设施配套费 标准90.00元，实收120.00元（收费单FJ2026000123）',
    );
  });

  it('falls back to the fee code, and leaves out a bill it was not told', () => {
    expect(chargeAboveStandardFinding({ ...line, name: '', chargedFen: 9001 }, '')).toBe(
      '超标准收费：F-CSJS 标准90.00元，实收90.01元',
    );
  });
});

describe('currentStageOf', () => {
  const clock = (over: Partial<ClockState>): ClockState =>
    ({ kind: 'stage', status: 'running', stage: '', stageSeq: 0, ...over }) as ClockState;

  it('is the stage of the latest stage clock not stopped', () => {
    expect(
      currentStageOf([
        clock({ kind: 'promised', stage: '' }),
        clock({ stage: 'PROCESS_STAGE_REVIEW', stageSeq: 2, status: 'stopped' }),
        clock({ stage: 'PROCESS_STAGE_APPROVE', stageSeq: 3, status: 'paused' }),
        clock({ kind: 'subtask', stage: 'PROCESS_STAGE_REVIEW', stageSeq: 9 }),
      ]),
    ).toBe('PROCESS_STAGE_APPROVE');
  });

  it('is empty when every stage clock stopped, or the case has none', () => {
    expect(currentStageOf([clock({ stage: 'PROCESS_STAGE_REVIEW', stageSeq: 2, status: 'stopped' })])).toBe('');
    expect(currentStageOf([])).toBe('');
  });
});
