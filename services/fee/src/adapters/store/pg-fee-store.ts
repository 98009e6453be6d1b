import { FeeEvents, feeV1 } from '@govhall/contracts';
import {
  CommandRunner,
  PreconditionFailedError,
  eventFactory,
  type Clock,
  type CommandKey,
  type CommittedEventSink,
  type IdGenerator,
  type PayloadOf,
} from '@govhall/kit';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Bill } from '../../domain/bills';
import type { LedgerTransaction } from '../../domain/ledger';
import type { RecordedPayment } from '../../domain/reconciliation';
import type { FeeTables, PaymentExceptionsTable } from './tables';

export interface FeeStoreOptions {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly regionCode: string;
  readonly sink?: CommittedEventSink;
}

type Contracts = typeof FeeEvents;
export type FeeEventName = keyof Contracts;
export type FeeEventDraft = {
  [K in FeeEventName]: { readonly name: K; readonly payload: PayloadOf<Contracts[K]>; readonly caseId?: string };
}[FeeEventName];

type Db = Kysely<FeeTables> | Transaction<FeeTables>;

/** BIGINT from pg (a string) as a number; beyond a safe integer is a corrupt row, never silently rounded. */
export function fenOf(value: string | number | bigint | null): number {
  const n = Number(value ?? 0);
  if (!Number.isSafeInteger(n)) throw new Error(`amount ${String(value)} is not a safe integer of fen`);
  return n;
}

const billOf = (doc: object): Bill => feeV1.Bill.fromJSON(doc);

export interface BillFilter {
  readonly hallId: string;
  readonly status?: feeV1.BillStatus;
  readonly departmentId?: string;
  readonly caseId?: string;
  readonly assessmentOverdueAt?: Date;
}

export interface Page {
  readonly size: number;
  readonly offset: number;
}

export interface PaymentRow {
  readonly payment: feeV1.Payment;
  readonly hallId: string;
  readonly paymentCode: string;
}

/** One command's transaction: awaits only its own queries. */
export class FeeTx {
  constructor(
    readonly trx: Transaction<FeeTables>,
    private readonly emitEvent: (event: FeeEventDraft) => void,
  ) {}

  emit(event: FeeEventDraft): void {
    this.emitEvent(event);
  }

  async settings(hallId: string): Promise<feeV1.HallFeeSettings | undefined> {
    const row = await this.trx
      .selectFrom('hall_settings')
      .select('doc')
      .where('hall_id', '=', hallId)
      .forUpdate()
      .executeTakeFirst();
    return row ? feeV1.HallFeeSettings.fromJSON(row.doc) : undefined;
  }

  async saveSettings(s: feeV1.HallFeeSettings): Promise<void> {
    const doc = JSON.stringify(feeV1.HallFeeSettings.toJSON(s));
    await this.trx
      .insertInto('hall_settings')
      .values({ hall_id: s.hallId, version: s.version, doc })
      .onConflict((oc) => oc.column('hall_id').doUpdateSet({ version: s.version, doc }))
      .execute();
  }

  /** The open bill of a key (a project's), locked. */
  async openBill(openKey: string): Promise<Bill | undefined> {
    const row = await this.trx
      .selectFrom('bills')
      .select('doc')
      .where('open_key', '=', openKey)
      .where('is_open', '=', true)
      .forUpdate()
      .executeTakeFirst();
    return row ? billOf(row.doc) : undefined;
  }

  async bill(ref: { id?: string; paymentCode?: string }): Promise<Bill | undefined> {
    let q = this.trx.selectFrom('bills').select('doc');
    q = ref.id ? q.where('id', '=', ref.id) : q.where('payment_code', '=', ref.paymentCode ?? '');
    const row = await q.forUpdate().executeTakeFirst();
    return row ? billOf(row.doc) : undefined;
  }

  /** Every bill of the cases (to see which are now settled). */
  async billsOfCases(caseIds: readonly string[]): Promise<Bill[]> {
    if (caseIds.length === 0) return [];
    const rows = await sql<{ doc: object }>`
      SELECT doc FROM fee.bills WHERE case_ids && ${sql.val([...caseIds])}::text[]`.execute(this.trx);
    return rows.rows.map((r) => billOf(r.doc));
  }

  /** Writes a bill; `expectedVersion` is the version read (0 for a new one). */
  async saveBill(bill: Bill, openKey: string, expectedVersion: number): Promise<Bill> {
    const next = feeV1.Bill.fromPartial({ ...bill, version: expectedVersion + 1 });
    const pending = next.parts
      .filter((p) => p.status === feeV1.PartStatus.PART_STATUS_PENDING && p.dueAt)
      .map((p) => p.dueAt!.getTime());
    const open =
      next.status === feeV1.BillStatus.BILL_STATUS_ASSESSING || next.status === feeV1.BillStatus.BILL_STATUS_ASSESSED;
    const values = {
      number: next.number,
      payment_code: next.paymentCode || null,
      hall_id: next.hallId,
      status: next.status,
      open_key: openKey,
      is_open: open,
      case_ids: next.caseIds,
      department_ids: next.parts.map((p) => p.departmentId),
      pending_due_at: pending.length > 0 ? new Date(Math.min(...pending)) : null,
      total_fen: next.totalFen,
      paid_fen: next.paidFen,
      opened_at: next.openedAt!,
      version: next.version,
      doc: JSON.stringify(feeV1.Bill.toJSON(next)),
    };
    if (expectedVersion === 0) {
      await this.trx
        .insertInto('bills')
        .values({ id: next.id, ...values })
        .execute();
      return next;
    }
    const { open_key: _key, ...changed } = values;
    const updated = await this.trx
      .updateTable('bills')
      .set(changed)
      .where('id', '=', next.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new PreconditionFailedError(`bill ${next.number} changed meanwhile; retry`);
    return next;
  }

  /** The bill a refund belongs to (refunds live in their bill). */
  async billOfRefund(refundId: string): Promise<string | undefined> {
    const rows = await sql<{ id: string }>`
      SELECT id FROM fee.bills WHERE doc->'refunds' @> ${JSON.stringify([{ id: refundId }])}::jsonb`.execute(this.trx);
    return rows.rows[0]?.id;
  }

  async openKeyOf(billId: string): Promise<string> {
    const row = await this.trx
      .selectFrom('bills')
      .select('open_key')
      .where('id', '=', billId)
      .executeTakeFirstOrThrow();
    return row.open_key;
  }

  /** The next number of a counter (1, 2, ...): bill numbers per hall and day, payment codes per day. */
  async nextNumber(scope: string): Promise<number> {
    const row = await this.trx
      .insertInto('day_counters')
      .values({ scope, next: 1 })
      .onConflict((oc) => oc.column('scope').doUpdateSet({ next: sql`fee.day_counters.next + 1` }))
      .returning('next')
      .executeTakeFirstOrThrow();
    return fenOf(row.next);
  }

  async payment(bankTransactionId: string): Promise<PaymentRow | undefined> {
    const row = await this.trx
      .selectFrom('payments')
      .selectAll()
      .where('bank_transaction_id', '=', bankTransactionId)
      .executeTakeFirst();
    return row ? paymentRowOf(row) : undefined;
  }

  async exception(bankTransactionId: string): Promise<feeV1.PaymentException | undefined> {
    const row = await this.trx
      .selectFrom('payment_exceptions')
      .selectAll()
      .where('bank_transaction_id', '=', bankTransactionId)
      .executeTakeFirst();
    return row ? exceptionOf(row) : undefined;
  }

  async insertPayment(p: feeV1.Payment, hallId: string, paymentCode: string, valueDate: string): Promise<void> {
    await this.trx
      .insertInto('payments')
      .values({
        bank_transaction_id: p.bankTransactionId,
        bill_id: p.billId,
        hall_id: hallId,
        payment_code: paymentCode,
        amount_fen: p.amountFen,
        channel: p.channel,
        paid_at: p.paidAt!,
        recorded_at: p.recordedAt!,
        value_date: valueDate,
      })
      .execute();
  }

  async insertException(e: feeV1.PaymentException, paymentCode: string, valueDate: string): Promise<void> {
    await this.trx
      .insertInto('payment_exceptions')
      .values({
        bank_transaction_id: e.bankTransactionId,
        bill_id: e.billId,
        hall_id: e.hallId,
        payment_code: paymentCode,
        kind: e.kind,
        amount_fen: e.amountFen,
        channel: e.channel,
        paid_at: e.paidAt!,
        reported_at: e.reportedAt!,
        value_date: valueDate,
      })
      .execute();
  }

  /** Books one balanced movement (the table's deferred trigger checks the balance again at commit). */
  async book(t: LedgerTransaction, transactionId: string, now: Date): Promise<void> {
    if (t.postings.length === 0) return;
    await this.trx
      .insertInto('ledger_entries')
      .values(
        t.postings.map((p) => ({
          transaction_id: transactionId,
          hall_id: t.hallId,
          movement: t.movement,
          account: p.account,
          debit_fen: p.debitFen,
          credit_fen: p.creditFen,
          department_id: p.departmentId ?? '',
          bill_id: t.billId ?? '',
          line_id: p.lineId ?? '',
          deposit_id: t.depositId ?? '',
          value_date: t.valueDate,
          booked_at: now,
        })),
      )
      .execute();
  }

  async deposit(id: string): Promise<feeV1.Deposit | undefined> {
    const row = await this.trx.selectFrom('deposits').select('doc').where('id', '=', id).forUpdate().executeTakeFirst();
    return row ? feeV1.Deposit.fromJSON(row.doc) : undefined;
  }

  async saveDeposit(d: feeV1.Deposit, isNew: boolean): Promise<void> {
    const doc = JSON.stringify(feeV1.Deposit.toJSON(d));
    if (isNew) {
      await this.trx
        .insertInto('deposits')
        .values({
          id: d.id,
          hall_id: d.hallId,
          status: d.status,
          bank_transaction_id: d.bankTransactionId,
          received_at: d.receivedAt!,
          version: d.version,
          doc,
        })
        .execute();
      return;
    }
    const updated = await this.trx
      .updateTable('deposits')
      .set({ status: d.status, version: d.version, doc })
      .where('id', '=', d.id)
      .where('version', '=', d.version - 1)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new PreconditionFailedError(`deposit ${d.id} changed meanwhile; retry`);
  }

  async saveReconciliation(r: feeV1.Reconciliation): Promise<void> {
    await this.trx
      .insertInto('reconciliations')
      .values({
        id: r.id,
        hall_id: r.hallId,
        day: r.date,
        reconciled_at: r.reconciledAt!,
        doc: JSON.stringify(feeV1.Reconciliation.toJSON(r)),
      })
      .execute();
  }
}

function paymentRowOf(row: Selectable<FeeTables['payments']>): PaymentRow {
  return {
    hallId: row.hall_id,
    paymentCode: row.payment_code,
    payment: feeV1.Payment.fromPartial({
      bankTransactionId: row.bank_transaction_id,
      billId: row.bill_id,
      amountFen: fenOf(row.amount_fen),
      channel: row.channel as feeV1.PaymentChannel,
      paidAt: row.paid_at,
      recordedAt: row.recorded_at,
    }),
  };
}

function exceptionOf(row: Selectable<PaymentExceptionsTable>): feeV1.PaymentException {
  return feeV1.PaymentException.fromPartial({
    bankTransactionId: row.bank_transaction_id,
    billId: row.bill_id,
    hallId: row.hall_id,
    amountFen: fenOf(row.amount_fen),
    channel: row.channel as feeV1.PaymentChannel,
    kind: row.kind as feeV1.PaymentExceptionKind,
    paidAt: row.paid_at,
    reportedAt: row.reported_at,
  });
}

export interface SettlementFigures {
  readonly departmentId: string;
  readonly fiscalAccount: string;
  readonly receivedFen: number;
  readonly refundedFen: number;
  readonly upwardReceivedFen: number;
  readonly upwardRefundedFen: number;
  readonly payments: number;
}

export interface LedgerTotals {
  readonly debitFen: number;
  readonly creditFen: number;
  readonly transactions: number;
  readonly unbalancedTransactions: number;
}

/** The fee service's store over PostgreSQL: commands through the kit's runner, reads straight. */
export class PgFeeStore {
  private readonly runner: CommandRunner<FeeTables>;
  private readonly factory: ReturnType<typeof eventFactory>;

  constructor(
    private readonly database: { readonly db: Kysely<FeeTables>; readonly schema: string },
    private readonly o: FeeStoreOptions,
  ) {
    this.runner = new CommandRunner({ database, ...(o.sink ? { sink: o.sink } : {}) });
    this.factory = eventFactory(o);
  }

  private get db(): Db {
    return this.database.db;
  }

  /** Runs an idempotent command in one transaction; its events leave with the commit. */
  command<T>(key: CommandKey<T>, work: (tx: FeeTx) => Promise<T>): Promise<T> {
    return this.runner.run(key, (scope) =>
      work(
        new FeeTx(scope.trx, (event) =>
          scope.emit(
            this.factory.create(
              FeeEvents[event.name] as never,
              event.payload as never,
              event.caseId ? { caseId: event.caseId } : undefined,
            ),
          ),
        ),
      ),
    );
  }

  async settings(hallId: string): Promise<feeV1.HallFeeSettings | undefined> {
    const row = await this.db
      .selectFrom('hall_settings')
      .select('doc')
      .where('hall_id', '=', hallId)
      .executeTakeFirst();
    return row ? feeV1.HallFeeSettings.fromJSON(row.doc) : undefined;
  }

  async bill(ref: { id?: string; paymentCode?: string }): Promise<Bill | undefined> {
    let q = this.db.selectFrom('bills').select('doc');
    q = ref.id ? q.where('id', '=', ref.id) : q.where('payment_code', '=', ref.paymentCode ?? '');
    const row = await q.executeTakeFirst();
    return row ? billOf(row.doc) : undefined;
  }

  async bills(filter: BillFilter, page: Page): Promise<Bill[]> {
    let q = this.db.selectFrom('bills').select('doc').where('hall_id', '=', filter.hallId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.departmentId) q = q.where(sql<boolean>`${filter.departmentId} = ANY(department_ids)`);
    if (filter.caseId) q = q.where(sql<boolean>`${filter.caseId} = ANY(case_ids)`);
    if (filter.assessmentOverdueAt) q = q.where('pending_due_at', '<', filter.assessmentOverdueAt);
    const rows = await q
      .orderBy('opened_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.size + 1)
      .offset(page.offset)
      .execute();
    return rows.map((r) => billOf(r.doc));
  }

  async exceptions(hallId: string, page: Page): Promise<feeV1.PaymentException[]> {
    const rows = await this.db
      .selectFrom('payment_exceptions')
      .selectAll()
      .where('hall_id', '=', hallId)
      .orderBy('reported_at', 'desc')
      .limit(page.size + 1)
      .offset(page.offset)
      .execute();
    return rows.map(exceptionOf);
  }

  /** One day's apportionments and refunds of a hall, per department and fiscal account. */
  async settlement(hallId: string, day: string): Promise<SettlementFigures[]> {
    const rows = await sql<{
      department_id: string;
      fiscal_account: string;
      received: string;
      refunded: string;
      upward_received: string;
      upward_refunded: string;
      payments: string;
    }>`
      SELECT department_id,
        max(CASE WHEN account LIKE 'fiscal:%' THEN substr(account, 8) ELSE '' END) AS fiscal_account,
        coalesce(sum(credit_fen) FILTER (WHERE movement = 'apportionment'), 0) AS received,
        coalesce(sum(debit_fen) FILTER (WHERE movement = 'refund'), 0) AS refunded,
        coalesce(sum(credit_fen) FILTER (WHERE movement = 'apportionment' AND account LIKE 'upward:%'), 0) AS upward_received,
        coalesce(sum(debit_fen) FILTER (WHERE movement = 'refund' AND account LIKE 'upward:%'), 0) AS upward_refunded,
        count(DISTINCT bill_id) FILTER (WHERE movement = 'apportionment') AS payments
      FROM fee.ledger_entries
      WHERE hall_id = ${hallId} AND value_date = ${day}::date AND department_id <> ''
        AND movement IN ('apportionment', 'refund')
      GROUP BY department_id
      ORDER BY department_id`.execute(this.db);
    return rows.rows.map((r) => ({
      departmentId: r.department_id,
      fiscalAccount: r.fiscal_account,
      receivedFen: fenOf(r.received),
      refundedFen: fenOf(r.refunded),
      upwardReceivedFen: fenOf(r.upward_received),
      upwardRefundedFen: fenOf(r.upward_refunded),
      payments: fenOf(r.payments),
    }));
  }

  /** What the hall recorded the bank taking on a day: payments and the payments it must give back. */
  async recordedPayments(hallId: string, day: string): Promise<RecordedPayment[]> {
    const rows = await sql<{ bank_transaction_id: string; payment_code: string; amount_fen: string; paid_at: Date }>`
      SELECT bank_transaction_id, payment_code, amount_fen, paid_at FROM fee.payments
        WHERE hall_id = ${hallId} AND value_date = ${day}::date
      UNION ALL
      SELECT bank_transaction_id, payment_code, amount_fen, paid_at FROM fee.payment_exceptions
        WHERE hall_id = ${hallId} AND value_date = ${day}::date`.execute(this.db);
    return rows.rows.map((r) => ({
      bankTransactionId: r.bank_transaction_id,
      paymentCode: r.payment_code,
      amountFen: fenOf(r.amount_fen),
      paidAt: new Date(r.paid_at),
    }));
  }

  async reconciliations(hallId: string, page: Page): Promise<feeV1.Reconciliation[]> {
    const rows = await this.db
      .selectFrom('reconciliations')
      .select('doc')
      .where('hall_id', '=', hallId)
      .orderBy('reconciled_at', 'desc')
      .limit(page.size + 1)
      .offset(page.offset)
      .execute();
    return rows.map((r) => feeV1.Reconciliation.fromJSON(r.doc));
  }

  async ledgerEntries(ref: { billId?: string; depositId?: string }): Promise<feeV1.LedgerEntry[]> {
    let q = this.db.selectFrom('ledger_entries').selectAll();
    q = ref.billId ? q.where('bill_id', '=', ref.billId) : q.where('deposit_id', '=', ref.depositId ?? '');
    const rows = await q.orderBy('id').limit(10_000).execute();
    return rows.map((r) =>
      feeV1.LedgerEntry.fromPartial({
        transactionId: r.transaction_id,
        account: r.account,
        debitFen: fenOf(r.debit_fen),
        creditFen: fenOf(r.credit_fen),
        movement: r.movement,
        billId: r.bill_id,
        lineId: r.line_id,
        depositId: r.deposit_id,
        bookedAt: r.booked_at,
      }),
    );
  }

  async ledgerTotals(hallId: string): Promise<LedgerTotals> {
    const row = await sql<{ debit: string; credit: string; transactions: string; unbalanced: string }>`
      SELECT coalesce(sum(debit), 0) AS debit, coalesce(sum(credit), 0) AS credit, count(*) AS transactions,
        count(*) FILTER (WHERE debit <> credit) AS unbalanced
      FROM (SELECT transaction_id, sum(debit_fen) AS debit, sum(credit_fen) AS credit
            FROM fee.ledger_entries WHERE hall_id = ${hallId} GROUP BY transaction_id) t`.execute(this.db);
    const r = row.rows[0]!;
    return {
      debitFen: fenOf(r.debit),
      creditFen: fenOf(r.credit),
      transactions: fenOf(r.transactions),
      unbalancedTransactions: fenOf(r.unbalanced),
    };
  }

  async indicatorPayments(
    hallId: string,
    from: string,
    to: string,
  ): Promise<{
    days: Array<{ day: string; counter: number; all: number; fen: number }>;
    departments: Array<{ departmentId: string; fen: number; payments: number }>;
  }> {
    const days = await sql<{ day: string; counter: string; all: string; fen: string }>`
      SELECT to_char(value_date, 'YYYY-MM-DD') AS day, count(*) FILTER (WHERE channel = 'PAYMENT_CHANNEL_COUNTER') AS counter,
        count(*) AS all, sum(amount_fen) AS fen
      FROM fee.payments WHERE hall_id = ${hallId} AND value_date BETWEEN ${from}::date AND ${to}::date
      GROUP BY value_date ORDER BY value_date`.execute(this.db);
    const departments = await sql<{ department_id: string; fen: string; payments: string }>`
      SELECT department_id, sum(credit_fen) AS fen, count(DISTINCT bill_id) AS payments
      FROM fee.ledger_entries
      WHERE hall_id = ${hallId} AND movement = 'apportionment' AND department_id <> ''
        AND value_date BETWEEN ${from}::date AND ${to}::date
      GROUP BY department_id ORDER BY department_id`.execute(this.db);
    return {
      days: days.rows.map((r) => ({ day: r.day, counter: fenOf(r.counter), all: fenOf(r.all), fen: fenOf(r.fen) })),
      departments: departments.rows.map((r) => ({
        departmentId: r.department_id,
        fen: fenOf(r.fen),
        payments: fenOf(r.payments),
      })),
    };
  }

  async billCounts(hallId: string, from: Date, to: Date): Promise<{ opened: number; late: number }> {
    const row = await sql<{ opened: string; late: string }>`
      SELECT count(*) AS opened,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(doc->'parts', '[]'::jsonb)) p
                                       WHERE (p->>'late')::boolean)) AS late
      FROM fee.bills WHERE hall_id = ${hallId} AND opened_at >= ${from} AND opened_at < ${to}`.execute(this.db);
    return { opened: fenOf(row.rows[0]!.opened), late: fenOf(row.rows[0]!.late) };
  }

  async deposit(id: string): Promise<feeV1.Deposit | undefined> {
    const row = await this.db.selectFrom('deposits').select('doc').where('id', '=', id).executeTakeFirst();
    return row ? feeV1.Deposit.fromJSON(row.doc) : undefined;
  }

  async deposits(hallId: string, status: feeV1.DepositStatus | undefined, page: Page): Promise<feeV1.Deposit[]> {
    let q = this.db.selectFrom('deposits').select('doc').where('hall_id', '=', hallId);
    if (status) q = q.where('status', '=', status);
    const rows = await q
      .orderBy('received_at', 'desc')
      .limit(page.size + 1)
      .offset(page.offset)
      .execute();
    return rows.map((r) => feeV1.Deposit.fromJSON(r.doc));
  }

  async depositTotals(hallId: string): Promise<Array<{ status: string; count: number; fen: number }>> {
    const rows = await sql<{ status: string; count: string; fen: string }>`
      SELECT status, count(*) AS count, coalesce(sum((doc->>'amountFen')::bigint), 0) AS fen
      FROM fee.deposits WHERE hall_id = ${hallId} GROUP BY status`.execute(this.db);
    return rows.rows.map((r) => ({ status: r.status, count: fenOf(r.count), fen: fenOf(r.fen) }));
  }
}
