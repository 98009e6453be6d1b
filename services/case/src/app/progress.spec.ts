import { feeEventsV1, type caseV1 } from '@govhall/contracts';
import { apply, bump, cst, environment, feeItem, item, opened, people } from '../domain/spec-fixtures';
import { feesPaid } from '../domain/system-steps';
import { progressOf } from './progress';

const env = environment();
const approved = (c: caseV1.Case) =>
  apply(
    apply(c, { review: { opinion: '材料齐全' } }, people.reviewer, env.at(cst('2026-03-03T09:00'))),
    { approve: { opinion: '同意' } },
    people.leader,
    env.at(cst('2026-03-04T10:00')),
  );

describe('the public progress: 一费制', () => {
  const due = approved(opened(feeItem(), env));

  it('reads 发证办结（待缴费） while the certificate waits for the fees, 发证办结 once they are paid', () => {
    expect(progressOf(due, '').currentStageName).toBe('发证办结（待缴费）');
    const paid = bump(
      feesPaid(
        due,
        feeEventsV1.CaseFeesPaid.fromPartial({ caseId: due.id, billIds: ['bill-1'], paidFen: 8000 }),
        cst('2026-03-04T16:00'),
        env.at(cst('2026-03-04T16:00')),
      )!,
    );
    expect(progressOf(paid, '').currentStageName).toBe('发证办结');
  });

  it('a free item’s case, and a case before its decision, read the stage alone', () => {
    expect(progressOf(approved(opened(item(), env)), '').currentStageName).toBe('发证办结');
    expect(progressOf(opened(feeItem(), env), '').currentStageName).toBe('审核');
  });

  it('a refusal waits for nothing', () => {
    const refused = apply(
      opened(feeItem(), env),
      { refuse: { reason: '经营场所不符合食品安全要求' } },
      people.approver,
      env.at(cst('2026-03-03T09:00')),
    );
    expect(progressOf(refused, '').currentStageName).toBe('发证办结');
  });
});
