import { feeV1 } from '@govhall/contracts';
import { ValidationError } from '@govhall/kit/errors';
import fc from 'fast-check';
import { MAX_AMOUNT_FEN } from './money';
import {
  parseStatement,
  reconcile,
  yuanToFen,
  type ParsedStatement,
  type RecordedPayment,
  type StatementRow,
} from './reconciliation';

const Kind = feeV1.MismatchKind;
const HEADER = 'transaction_id,payment_code,amount,paid_at,channel';
const CODE_1 = '37070020261202000001';
const CODE_2 = '37070020261202000002';
const CODE_3 = '37070020261202000003';
const PAID_AT = '2026-12-02T10:15:00+08:00';
const PAID_AT_UTC = new Date('2026-12-02T02:15:00Z');

function csv(lines: readonly string[], eol = '\n'): string {
  return lines.join(eol) + eol;
}

/** The ValidationError a call throws (failing the test when it throws nothing or something else). */
function validationErrorOf(call: () => unknown): ValidationError {
  try {
    call();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

function aRow(overrides: Partial<StatementRow> = {}): StatementRow {
  return {
    line: 2,
    bankTransactionId: 'TX000001',
    paymentCode: CODE_1,
    amountFen: 12850,
    paidAt: PAID_AT_UTC,
    channel: 'counter',
    ...overrides,
  };
}

function aPayment(overrides: Partial<RecordedPayment> = {}): RecordedPayment {
  return { bankTransactionId: 'TX000001', paymentCode: CODE_1, amountFen: 12850, paidAt: PAID_AT_UTC, ...overrides };
}

describe('yuanToFen', () => {
  it.each<[string, number | undefined]>([
    ['128.50', 12850],
    ['128.5', 12850],
    ['128', 12800],
    ['0.05', 5],
    ['0.5', 50],
    ['0', 0],
    ['0.00', 0],
    ['007.10', 710],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
    ['90071992547409.92', undefined],
    ['100000000000000000000', undefined],
    ['-1', undefined],
    ['+1', undefined],
    ['1.234', undefined],
    ['', undefined],
    ['.5', undefined],
    ['1.', undefined],
    ['1,280.50', undefined],
    [' 128', undefined],
    ['128 ', undefined],
    ['1e3', undefined],
    ['0x10', undefined],
    ['NaN', undefined],
    ['Infinity', undefined],
    ['１２８', undefined],
    ['١٢٨', undefined],
  ])('%j → %p', (text, fen) => {
    expect(yuanToFen(text)).toBe(fen);
  });
});

describe('parseStatement', () => {
  it('reads a statement with a BOM and CRLF line ends', () => {
    const text = `\uFEFF${csv([HEADER, `TX000001,${CODE_1},128.50,${PAID_AT},counter`, `TX000002,${CODE_2},5,2026-12-02T23:59:59Z,online`], '\r\n')}`;
    expect(parseStatement(text)).toEqual({
      rows: [
        aRow(),
        {
          line: 3,
          bankTransactionId: 'TX000002',
          paymentCode: CODE_2,
          amountFen: 500,
          paidAt: new Date('2026-12-02T23:59:59Z'),
          channel: 'online',
        },
      ],
      unreadable: [],
    });
  });

  it('reads columns in any order, header names in any case, and ignores extra columns', () => {
    const text = csv([
      'Channel,NOTE,Paid_At,AMOUNT,Payment_Code,Transaction_ID',
      `counter,窗口3,${PAID_AT},128.5,${CODE_1},TX000001`,
    ]);
    expect(parseStatement(text)).toEqual({ rows: [aRow()], unreadable: [] });
  });

  it('reads quoted fields: commas, escaped quotes and line breaks inside them, quoted values of ours', () => {
    const text = csv([
      `${HEADER},note`,
      `"TX000001","${CODE_1}","128.50","${PAID_AT}","counter","a, ""quoted""\nnote over\ntwo more lines"`,
      `TX000002,${CODE_2}, 1.00 ,${PAID_AT},Online,plain`,
    ]);
    expect(parseStatement(text)).toEqual({
      rows: [
        aRow(),
        aRow({ line: 5, bankTransactionId: 'TX000002', paymentCode: CODE_2, amountFen: 100, channel: 'online' }),
      ],
      unreadable: [],
    });
  });

  it('skips blank lines and still counts them in line numbers', () => {
    const text = csv([
      '',
      HEADER,
      '',
      `TX000001,${CODE_1},128.50,${PAID_AT},counter`,
      '   ',
      ',,,,',
      '\r',
      `TX000002,${CODE_2},abc,${PAID_AT},counter`,
      '',
    ]);
    expect(parseStatement(text)).toEqual({
      rows: [aRow({ line: 4 })],
      unreadable: [{ line: 8, detail: 'amount "abc" is not yuan with at most two decimals' }],
    });
  });

  it('numbers lines alike whether they end in LF, CRLF or CR, mixed in one file', () => {
    const text = `${HEADER}\r\nTX000001,${CODE_1},1,${PAID_AT},counter\rTX000002,${CODE_2},x,${PAID_AT},counter\nTX000003,${CODE_3},y,${PAID_AT},counter`;
    const parsed = parseStatement(text);
    expect(parsed.rows.map((r) => r.line)).toEqual([2]);
    expect(parsed.unreadable.map((r) => r.line)).toEqual([3, 4]);
  });

  it('lists bad rows as unreadable with their line numbers, and reads the others', () => {
    const text = csv([
      HEADER,
      `TX000001,${CODE_1},128.50,${PAID_AT},counter`,
      `TX000002,${CODE_1},1.234,${PAID_AT},counter`,
      `TX000003,${CODE_1},-5,${PAID_AT},counter`,
      `TX000004,${CODE_1},,${PAID_AT},counter`,
      `TX000005,${CODE_1},100000000000.00,${PAID_AT},counter`,
      `TX000006,${CODE_1},1,2026-12-02T10:15:00,counter`,
      `TX000007,${CODE_1},1,2026-02-30T10:15:00+08:00,counter`,
      `TX000008,${CODE_1},1,2026-12-02 10:15:00+08:00,counter`,
      `TX000009,${CODE_1},1,${PAID_AT},bank`,
      `TX000010,${CODE_1},1,${PAID_AT},`,
      `TX000011,${CODE_1},1,280.50,${PAID_AT},counter`,
      `TX000012,${CODE_1},1,${PAID_AT}`,
      `TX 13,${CODE_1},1,${PAID_AT},counter`,
      `,${CODE_1},1,${PAID_AT},counter`,
      `TX000015,,1,${PAID_AT},counter`,
      `TX000016,缴款码,x,nope,atm`,
      `TX000017,${CODE_1},0.01,${PAID_AT},online`,
    ]);
    const parsed = parseStatement(text);
    expect(parsed.rows).toEqual([
      aRow(),
      aRow({ line: 18, bankTransactionId: 'TX000017', amountFen: 1, channel: 'online' }),
    ]);
    expect(parsed.unreadable).toEqual([
      { line: 3, detail: 'amount "1.234" is not yuan with at most two decimals' },
      { line: 4, detail: 'amount "-5" is not yuan with at most two decimals' },
      { line: 5, detail: 'amount is empty' },
      { line: 6, detail: 'amount "100000000000.00" is above 10,000,000,000.00 yuan' },
      { line: 7, detail: 'paid_at "2026-12-02T10:15:00" is not an ISO 8601 time with an offset' },
      { line: 8, detail: 'paid_at "2026-02-30T10:15:00+08:00" is not an ISO 8601 time with an offset' },
      { line: 9, detail: 'paid_at "2026-12-02 10:15:00+08:00" is not an ISO 8601 time with an offset' },
      { line: 10, detail: 'channel "bank" is not counter or online' },
      { line: 11, detail: 'channel is empty' },
      { line: 12, detail: 'has 6 fields, the header has 5' },
      { line: 13, detail: 'has 4 fields, the header has 5' },
      { line: 14, detail: 'transaction id "TX 13" is not 6 to 64 letters, digits, _ or -' },
      { line: 15, detail: 'transaction id is empty' },
      { line: 16, detail: 'payment code is empty' },
      {
        line: 17,
        detail:
          'payment code "缴款码" is not 1 to 64 printable ASCII characters; amount "x" is not yuan with at most two decimals; ' +
          'paid_at "nope" is not an ISO 8601 time with an offset; channel "atm" is not counter or online',
      },
    ]);
  });

  it('reads paid_at with any offset, without seconds or with a fraction, as the instant it names', () => {
    const at = (paidAt: string) =>
      parseStatement(csv([HEADER, `TX000001,${CODE_1},1,${paidAt},counter`])).rows[0]?.paidAt.toISOString();
    expect(at('2026-12-02T10:15:00+08:00')).toBe('2026-12-02T02:15:00.000Z');
    expect(at('2026-12-02T10:15+08:00')).toBe('2026-12-02T02:15:00.000Z');
    expect(at('2026-12-02T10:15:00.123456-05:30')).toBe('2026-12-02T15:45:00.123Z');
    expect(at('2026-12-02T00:00:00Z')).toBe('2026-12-02T00:00:00.000Z');
    expect(at('2028-02-29T00:30:00+08:00')).toBe('2028-02-28T16:30:00.000Z');
    for (const bad of [
      '2026-12-02T24:00:00+08:00',
      '2026-13-01T10:00:00Z',
      '2026-12-02T10:15:00+15:00',
      '2026-12-02T10:15:00+0800',
      '2027-02-29T10:15:00Z',
      '20261202T101500Z',
    ]) {
      expect(at(bad)).toBeUndefined();
    }
  });

  it('lists a repeated transaction id as unreadable, naming the line it was first on', () => {
    const text = csv([
      HEADER,
      `TX000001,${CODE_1},128.50,${PAID_AT},counter`,
      `TX000002,${CODE_2},bad,${PAID_AT},counter`,
      `TX000002,${CODE_2},1,${PAID_AT},counter`,
      `TX000001,${CODE_1},128.50,${PAID_AT},counter`,
      `TX000002,${CODE_2},1,${PAID_AT},counter`,
    ]);
    expect(parseStatement(text)).toEqual({
      rows: [aRow(), aRow({ line: 4, bankTransactionId: 'TX000002', paymentCode: CODE_2, amountFen: 100 })],
      unreadable: [
        { line: 3, detail: 'amount "bad" is not yuan with at most two decimals' },
        { line: 5, detail: 'transaction id repeated, first on line 2' },
        { line: 6, detail: 'transaction id repeated, first on line 4' },
      ],
    });
  });

  it('refuses a header without a required column, naming the field and the columns', () => {
    const error = validationErrorOf(() =>
      parseStatement(csv(['transaction_id,amount,paid_at', `TX000001,1,${PAID_AT}`])),
    );
    expect(error.violations).toEqual([
      {
        field: 'statement_csv',
        description:
          'header has no column payment_code, channel (it needs transaction_id, payment_code, amount, paid_at, channel)',
      },
    ]);
    // A file with no header at all: its first row is read as one, and lacks every column.
    const [violation, ...more] = validationErrorOf(() =>
      parseStatement(`TX000001,${CODE_1},1,${PAID_AT},counter\n`, 'file'),
    ).violations;
    expect(more).toEqual([]);
    expect(violation?.field).toBe('file');
    expect(violation?.description).toMatch(
      /^header has no column transaction_id, payment_code, amount, paid_at, channel /,
    );
  });

  it('refuses a header naming a column twice', () => {
    expect(validationErrorOf(() => parseStatement(csv([`${HEADER},Amount`]))).violations).toEqual([
      { field: 'statement_csv', description: 'header names the column amount twice' },
    ]);
  });

  it('refuses an empty file and one that is not CSV', () => {
    for (const empty of ['', '\uFEFF', '\n\r\n  \n']) {
      expect(validationErrorOf(() => parseStatement(empty)).violations).toEqual([
        { field: 'statement_csv', description: `is empty: it needs the header line ${HEADER}` },
      ]);
    }
    const unclosed = csv([HEADER, `"TX000001,${CODE_1},1,${PAID_AT},counter`]);
    const [notCsv] = validationErrorOf(() => parseStatement(unclosed)).violations;
    expect(notCsv?.field).toBe('statement_csv');
    expect(notCsv?.description).toMatch(/^is not CSV: Quote Not Closed/);
    const strayQuote = csv([HEADER, `"TX000001"x,${CODE_1},1,${PAID_AT},counter`]);
    expect(validationErrorOf(() => parseStatement(strayQuote)).violations[0]?.description).toMatch(/^is not CSV: /);
  });

  it('reads 100,000 rows and refuses one more', () => {
    const rows = Array.from(
      { length: 100_000 },
      (_, i) => `TX${String(i).padStart(6, '0')},${CODE_1},1,${PAID_AT},online`,
    );
    expect(parseStatement(csv([HEADER, ...rows])).rows).toHaveLength(100_000);
    expect(
      validationErrorOf(() => parseStatement(csv([HEADER, ...rows, `TXLAST1,${CODE_1},1,${PAID_AT},online`])))
        .violations,
    ).toEqual([{ field: 'statement_csv', description: 'has more than 100,000 rows' }]);
  });

  it('refuses a statement whose amounts add up past the safe integer range', () => {
    const rows = Array.from(
      { length: 9008 },
      (_, i) => `TX${String(i).padStart(6, '0')},${CODE_1},10000000000.00,${PAID_AT},online`,
    );
    expect(parseStatement(csv([HEADER, ...rows.slice(0, 9007)])).rows).toHaveLength(9007);
    expect(validationErrorOf(() => parseStatement(csv([HEADER, ...rows]))).violations).toEqual([
      { field: 'statement_csv', description: 'amounts add up to more than 90,071,992,547,409.91 yuan' },
    ]);
  });
});

describe('reconcile', () => {
  it('matches a row with the same id, amount and payment code (paid_at is not compared)', () => {
    const statement: ParsedStatement = { rows: [aRow()], unreadable: [] };
    expect(reconcile(statement, [aPayment({ paidAt: new Date('2026-12-01T15:00:00Z') })])).toEqual({
      statementRows: 1,
      matched: 1,
      statementTotalFen: 12850,
      recordedTotalFen: 12850,
      mismatches: [],
    });
  });

  it('reports a planted mismatch of each kind, unreadable rows first by line, then by transaction id', () => {
    const statement: ParsedStatement = {
      rows: [
        aRow({ line: 2, bankTransactionId: 'TX000005', amountFen: 12850 }), // matched
        aRow({ line: 3, bankTransactionId: 'TX000004', amountFen: 12850 }), // amount differs
        aRow({ line: 4, bankTransactionId: 'TX000003', paymentCode: CODE_2 }), // payment code differs
        aRow({ line: 5, bankTransactionId: 'TX000002', amountFen: 100, paymentCode: CODE_3 }), // both differ
        aRow({ line: 6, bankTransactionId: 'TX000001', amountFen: 9900 }), // not recorded
      ],
      unreadable: [
        { line: 9, detail: 'channel "bank" is not counter or online' },
        { line: 7, detail: 'amount is empty' },
      ],
    };
    const recorded = [
      aPayment({ bankTransactionId: 'TX000005' }),
      aPayment({ bankTransactionId: 'TX000004', amountFen: 12800 }),
      aPayment({ bankTransactionId: 'TX000003' }),
      aPayment({ bankTransactionId: 'TX000002', amountFen: 123456789 }),
      aPayment({ bankTransactionId: 'TX000000', amountFen: 700 }), // not on the statement
    ];
    const result = reconcile(statement, recorded);
    expect(result).toEqual({
      statementRows: 7,
      matched: 1,
      statementTotalFen: 12850 + 12850 + 12850 + 100 + 9900,
      recordedTotalFen: 12850 + 12800 + 12850 + 123456789 + 700,
      mismatches: [
        feeV1.Mismatch.fromPartial({
          kind: Kind.MISMATCH_KIND_UNREADABLE_ROW,
          line: 7,
          detail: '第7行无法读取：amount is empty',
        }),
        feeV1.Mismatch.fromPartial({
          kind: Kind.MISMATCH_KIND_UNREADABLE_ROW,
          line: 9,
          detail: '第9行无法读取：channel "bank" is not counter or online',
        }),
        feeV1.Mismatch.fromPartial({
          kind: Kind.MISMATCH_KIND_MISSING_AT_BANK,
          bankTransactionId: 'TX000000',
          line: 0,
          recordedAmountFen: 700,
          recordedPaymentCode: CODE_1,
          detail: '本系统有记录，银行对账单无此笔',
        }),
        feeV1.Mismatch.fromPartial({
          kind: Kind.MISMATCH_KIND_MISSING_HERE,
          bankTransactionId: 'TX000001',
          line: 6,
          statementAmountFen: 9900,
          statementPaymentCode: CODE_1,
          detail: '银行有记录，本系统无此笔缴款',
        }),
        feeV1.Mismatch.fromPartial({
          kind: Kind.MISMATCH_KIND_AMOUNT_DIFFERS,
          bankTransactionId: 'TX000002',
          line: 5,
          statementAmountFen: 100,
          recordedAmountFen: 123456789,
          statementPaymentCode: CODE_3,
          recordedPaymentCode: CODE_1,
          detail: `金额不符：银行1.00元，本系统1,234,567.89元；缴款码不符：银行${CODE_3}，本系统${CODE_1}`,
        }),
        feeV1.Mismatch.fromPartial({
          kind: Kind.MISMATCH_KIND_PAYMENT_CODE_DIFFERS,
          bankTransactionId: 'TX000003',
          line: 4,
          statementAmountFen: 12850,
          recordedAmountFen: 12850,
          statementPaymentCode: CODE_2,
          recordedPaymentCode: CODE_1,
          detail: `缴款码不符：银行${CODE_2}，本系统${CODE_1}`,
        }),
        feeV1.Mismatch.fromPartial({
          kind: Kind.MISMATCH_KIND_AMOUNT_DIFFERS,
          bankTransactionId: 'TX000004',
          line: 3,
          statementAmountFen: 12850,
          recordedAmountFen: 12800,
          statementPaymentCode: CODE_1,
          recordedPaymentCode: CODE_1,
          detail: '金额不符：银行128.50元，本系统128.00元',
        }),
      ],
    });
  });

  it('reports a payment recorded twice under one id once as missing at the bank', () => {
    const result = reconcile({ rows: [aRow()], unreadable: [] }, [aPayment(), aPayment()]);
    expect(result.matched).toBe(1);
    expect(result.recordedTotalFen).toBe(25700);
    expect(result.mismatches.map((m) => [m.kind, m.bankTransactionId])).toEqual([
      [Kind.MISMATCH_KIND_MISSING_AT_BANK, 'TX000001'],
    ]);
  });

  it('changes neither its inputs nor reports anything for an empty day', () => {
    const statement: ParsedStatement = { rows: [aRow()], unreadable: [{ line: 3, detail: 'amount is empty' }] };
    const recorded = [aPayment({ amountFen: 1 })];
    const before = JSON.stringify([statement, recorded]);
    reconcile(statement, recorded);
    expect(JSON.stringify([statement, recorded])).toBe(before);
    expect(reconcile({ rows: [], unreadable: [] }, [])).toEqual({
      statementRows: 0,
      matched: 0,
      statementTotalFen: 0,
      recordedTotalFen: 0,
      mismatches: [],
    });
  });

  it('refuses amounts that are not whole fen instead of adding them up wrongly', () => {
    expect(() => reconcile({ rows: [], unreadable: [] }, [aPayment({ amountFen: 0.5 })])).toThrow(RangeError);
    const huge = aPayment({ amountFen: Number.MAX_SAFE_INTEGER });
    expect(() => reconcile({ rows: [], unreadable: [] }, [huge, { ...huge, bankTransactionId: 'TX000002' }])).toThrow(
      RangeError,
    );
  });
});

describe('a statement generated from the recorded payments', () => {
  const ID_CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'];
  const payment = fc.record({
    bankTransactionId: fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 6, maxLength: 64 }),
    paymentCode: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 20, maxLength: 20 }),
    amountFen: fc.integer({ min: 0, max: MAX_AMOUNT_FEN - 1 }),
    paidAt: fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
  });
  const day = fc.uniqueArray(payment, { selector: (p) => p.bankTransactionId, minLength: 1, maxLength: 30 });
  const layout = fc.record({
    columns: fc.shuffledSubarray(['transaction_id', 'payment_code', 'amount', 'paid_at', 'channel', 'note'], {
      minLength: 6,
    }),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    shortAmounts: fc.boolean(), // 128.5 and 128 rather than 128.50 and 128.00
    quoted: fc.boolean(),
  });
  type Layout = typeof layout extends fc.Arbitrary<infer L> ? L : never;
  /** A payment as the bank writes it; `amountText` overrides the amount as written. */
  type StatementLine = RecordedPayment & { readonly amountText?: string };

  /** Yuan from fen by string slicing, as a bank would write them. */
  function yuanText(fen: number, short: boolean): string {
    const digits = String(fen).padStart(3, '0');
    const text = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
    return short ? text.replace(/\.?0+$/, '') : text;
  }

  /** paid_at in China Standard Time, as the bank writes it. */
  function beijingTime(at: Date): string {
    return new Date(at.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
  }

  function statementCsv(payments: readonly StatementLine[], how: Layout): string {
    const cell = (value: string) => (how.quoted ? `"${value.replace(/"/g, '""')}"` : value);
    const values = (p: StatementLine): Record<string, string> => ({
      transaction_id: p.bankTransactionId,
      payment_code: p.paymentCode,
      amount: p.amountText ?? yuanText(p.amountFen, how.shortAmounts),
      paid_at: beijingTime(p.paidAt),
      channel: p.amountFen % 2 === 0 ? 'counter' : 'online',
      note: '备注, ""引号""',
    });
    const lines = [
      how.columns.join(','),
      // the note has a comma and quotes: quoted whatever the layout, as any CSV writer would
      ...payments.map((p) =>
        how.columns
          .map((column) => (column === 'note' ? `"${values(p)[column]}"` : cell(values(p)[column] ?? '')))
          .join(','),
      ),
    ];
    return `${how.bom ? '\uFEFF' : ''}${lines.join(how.eol)}${how.eol}`;
  }

  it('reconciles with no mismatch, every row matched', () => {
    fc.assert(
      fc.property(day, layout, (recorded, how) => {
        const statement = parseStatement(statementCsv(recorded, how));
        expect(statement.unreadable).toEqual([]);
        expect(
          statement.rows.map(({ bankTransactionId, paymentCode, amountFen, paidAt }) => ({
            bankTransactionId,
            paymentCode,
            amountFen,
            paidAt,
          })),
        ).toEqual(recorded);
        const result = reconcile(statement, recorded);
        const total = recorded.reduce((sum, p) => sum + p.amountFen, 0);
        expect(result).toEqual({
          statementRows: recorded.length,
          matched: recorded.length,
          statementTotalFen: total,
          recordedTotalFen: total,
          mismatches: [],
        });
      }),
    );
  });

  const changes = ['remove', 'alter amount', 'alter code', 'alter both', 'add unrecorded', 'add unreadable'] as const;
  type Change = (typeof changes)[number];
  const expected: Record<Change, { readonly kind: feeV1.MismatchKind; readonly matchedLess: number }> = {
    remove: { kind: Kind.MISMATCH_KIND_MISSING_AT_BANK, matchedLess: 1 },
    'alter amount': { kind: Kind.MISMATCH_KIND_AMOUNT_DIFFERS, matchedLess: 1 },
    'alter code': { kind: Kind.MISMATCH_KIND_PAYMENT_CODE_DIFFERS, matchedLess: 1 },
    'alter both': { kind: Kind.MISMATCH_KIND_AMOUNT_DIFFERS, matchedLess: 1 },
    'add unrecorded': { kind: Kind.MISMATCH_KIND_MISSING_HERE, matchedLess: 0 },
    'add unreadable': { kind: Kind.MISMATCH_KIND_UNREADABLE_ROW, matchedLess: 0 },
  };

  /** The statement's rows after one change to the row at `index`. */
  function changed(recorded: readonly RecordedPayment[], index: number, change: Change): StatementLine[] {
    const target = recorded[index];
    if (target === undefined) throw new Error(`no payment ${index}`);
    const replaced = (row: StatementLine) => recorded.map((p, i) => (i === index ? row : p));
    const otherCode = `${target.paymentCode.slice(0, -1)}${(Number(target.paymentCode.slice(-1)) + 1) % 10}`;
    switch (change) {
      case 'remove':
        return recorded.filter((_, i) => i !== index);
      case 'alter amount':
        return replaced({ ...target, amountFen: target.amountFen + 1 });
      case 'alter code':
        return replaced({ ...target, paymentCode: otherCode });
      case 'alter both':
        return replaced({ ...target, amountFen: target.amountFen + 1, paymentCode: otherCode });
      case 'add unrecorded':
        return [
          ...recorded.slice(0, index),
          { ...target, bankTransactionId: unusedId(recorded) },
          ...recorded.slice(index),
        ];
      case 'add unreadable':
        return [
          ...recorded.slice(0, index),
          { ...target, bankTransactionId: unusedId(recorded), amountText: 'twelve' },
          ...recorded.slice(index),
        ];
    }
  }

  it('yields exactly one mismatch of the expected kind when one row is removed, altered or added', () => {
    fc.assert(
      fc.property(day, layout, fc.nat(), fc.constantFrom(...changes), (recorded, how, pick, change) => {
        const index = pick % recorded.length;
        const target = recorded[index];
        const result = reconcile(parseStatement(statementCsv(changed(recorded, index, change), how)), recorded);

        expect(result.mismatches).toHaveLength(1);
        const [mismatch] = result.mismatches;
        expect(mismatch?.kind).toBe(expected[change].kind);
        expect(mismatch?.line).toBe(change === 'remove' ? 0 : 2 + index); // the header is line 1
        if (change !== 'add unrecorded' && change !== 'add unreadable') {
          expect(mismatch?.bankTransactionId).toBe(target?.bankTransactionId);
        }
        expect(result.matched).toBe(recorded.length - expected[change].matchedLess);
        expect(result.statementRows).toBe(
          recorded.length + (change === 'remove' ? -1 : change.startsWith('add') ? 1 : 0),
        );
      }),
    );
  });

  it('reports a recorded payment whose row does not read both as unreadable and as missing at the bank', () => {
    // The statement's row cannot be trusted, so its id is not either: the payment is not matched, and the clerk
    // sees the line that did not read beside the payment the readable statement lacks.
    fc.assert(
      fc.property(day, layout, fc.nat(), (recorded, how, pick) => {
        const index = pick % recorded.length;
        const target = recorded[index];
        const lines = recorded.map((p, i): StatementLine => (i === index ? { ...p, amountText: '1,0' } : p));
        const result = reconcile(parseStatement(statementCsv(lines, how)), recorded);
        expect(result.mismatches.map((m) => [m.kind, m.line, m.bankTransactionId])).toEqual([
          [Kind.MISMATCH_KIND_UNREADABLE_ROW, 2 + index, ''],
          [Kind.MISMATCH_KIND_MISSING_AT_BANK, 0, target?.bankTransactionId],
        ]);
        expect(result.matched).toBe(recorded.length - 1);
      }),
    );
  });

  function unusedId(recorded: readonly RecordedPayment[]): string {
    const taken = new Set(recorded.map((p) => p.bankTransactionId));
    let n = 0;
    while (taken.has(`UNRECORDED-${n}`)) n++;
    return `UNRECORDED-${n}`;
  }
});
