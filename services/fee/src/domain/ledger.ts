import { localDateOf } from '@govhall/calendar';
import type { feeV1 } from '@govhall/contracts';
import type { Bill, BillLine } from './bills';

// The ledger is double-entry and append-only: each movement is one transaction of entries whose debits equal its
// credits, written once (the table refuses UPDATE and DELETE, and a deferred trigger refuses an unbalanced
// transaction at commit). Accounts:
//   bank:<hall>          the hall's collection account at the bank (money in, refunds out)
//   bill:<bill>          what a bill owes out until it is apportioned (0 once paid and split)
//   fiscal:<account>     a department's fiscal account (财政非税专户), its retained share
//   upward:<body>        the share remitted upward (上交)
//   refund_due:<hall>    money the bank took that the hall must give back
//   deposit:<id>         a performance deposit held for the enterprise (履约保证金)

export type Movement = 'payment' | 'apportionment' | 'refund' | 'exception' | 'deposit_received' | 'deposit_refunded';

export interface Posting {
  readonly account: string;
  readonly debitFen: number;
  readonly creditFen: number;
  readonly departmentId?: string;
  readonly lineId?: string;
}

export interface LedgerTransaction {
  readonly movement: Movement;
  readonly hallId: string;
  /** The China date the money moved on (the bank's payment time for payments and their split). */
  readonly valueDate: string;
  readonly billId?: string;
  readonly depositId?: string;
  readonly postings: readonly Posting[];
}

const debit = (account: string, fen: number, extra: Partial<Posting> = {}): Posting => ({
  account,
  debitFen: fen,
  creditFen: 0,
  ...extra,
});
const credit = (account: string, fen: number, extra: Partial<Posting> = {}): Posting => ({
  account,
  debitFen: 0,
  creditFen: fen,
  ...extra,
});

/** Postings with a 0 amount say nothing: dropped. */
function transaction(t: LedgerTransaction): LedgerTransaction {
  return { ...t, postings: t.postings.filter((p) => p.debitFen > 0 || p.creditFen > 0) };
}

export function isBalanced(postings: readonly Pick<Posting, 'debitFen' | 'creditFen'>[]): boolean {
  let sum = 0;
  for (const p of postings) sum += p.debitFen - p.creditFen;
  return sum === 0;
}

export function paymentTransaction(bill: Bill, payment: feeV1.Payment, valueDate: string): LedgerTransaction {
  return transaction({
    movement: 'payment',
    hallId: bill.hallId,
    valueDate,
    billId: bill.id,
    postings: [debit(`bank:${bill.hallId}`, payment.amountFen), credit(`bill:${bill.id}`, payment.amountFen)],
  });
}

/** A paid bill split line by line: each department's retained share to its fiscal account, the upward share up. */
export function apportionmentTransaction(bill: Bill, valueDate: string): LedgerTransaction {
  const postings: Posting[] = [debit(`bill:${bill.id}`, bill.paidFen)];
  for (const line of bill.lines) {
    const extra = { departmentId: line.departmentId, lineId: line.id };
    postings.push(credit(`fiscal:${line.fiscalAccount}`, line.chargedFen - line.upwardFen, extra));
    if (line.upwardFen > 0) postings.push(credit(`upward:${line.upwardBody}`, line.upwardFen, extra));
  }
  return transaction({ movement: 'apportionment', hallId: bill.hallId, valueDate, billId: bill.id, postings });
}

/** Whole lines refunded: their apportionment reversed, the money out of the bank. */
export function refundTransaction(bill: Bill, lines: readonly BillLine[], valueDate: string): LedgerTransaction {
  const postings: Posting[] = [];
  let total = 0;
  for (const line of lines) {
    const extra = { departmentId: line.departmentId, lineId: line.id };
    postings.push(debit(`fiscal:${line.fiscalAccount}`, line.chargedFen - line.upwardFen, extra));
    if (line.upwardFen > 0) postings.push(debit(`upward:${line.upwardBody}`, line.upwardFen, extra));
    total += line.chargedFen;
  }
  postings.push(credit(`bank:${bill.hallId}`, total));
  return transaction({ movement: 'refund', hallId: bill.hallId, valueDate, billId: bill.id, postings });
}

/** Money taken for a bill that cannot take it: owed back. */
export function exceptionTransaction(
  hallId: string,
  billId: string,
  amountFen: number,
  valueDate: string,
): LedgerTransaction {
  return transaction({
    movement: 'exception',
    hallId,
    valueDate,
    billId,
    postings: [debit(`bank:${hallId}`, amountFen), credit(`refund_due:${hallId}`, amountFen)],
  });
}

export function depositReceivedTransaction(d: feeV1.Deposit, valueDate: string): LedgerTransaction {
  return transaction({
    movement: 'deposit_received',
    hallId: d.hallId,
    valueDate,
    depositId: d.id,
    postings: [debit(`fiscal:${d.fiscalAccount}`, d.amountFen), credit(`deposit:${d.id}`, d.amountFen)],
  });
}

export function depositRefundedTransaction(d: feeV1.Deposit, valueDate: string): LedgerTransaction {
  return transaction({
    movement: 'deposit_refunded',
    hallId: d.hallId,
    valueDate,
    depositId: d.id,
    postings: [debit(`deposit:${d.id}`, d.amountFen), credit(`fiscal:${d.fiscalAccount}`, d.amountFen)],
  });
}

/** A day in China (UTC+8, no daylight saving) as YYYY-MM-DD. */
export function chinaDate(instant: Date): string {
  return localDateOf(instant);
}
