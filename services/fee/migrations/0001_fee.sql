-- Schema `fee`: bills (the contract message whole, with the columns queries need), the bank's payments and the
-- payments it must give back, the append-only double-entry ledger, deposits, reconciliations, the halls'
-- settings and the day counters behind bill numbers and payment codes. Amounts are BIGINT fen. The kit's
-- tables (outbox, idempotency keys, inbox) are created by migrate() before this file.
COMMENT ON SCHEMA fee IS 'govhall fee: one-fee bills, payments, receipts, refunds, ledger, deposits (一费制)';

CREATE TABLE hall_settings (
  hall_id text PRIMARY KEY,
  version integer NOT NULL,
  doc jsonb NOT NULL
);

CREATE TABLE bills (
  id text PRIMARY KEY,
  number text NOT NULL UNIQUE,
  payment_code text UNIQUE,
  hall_id text NOT NULL,
  status text NOT NULL,
  -- Cases with this key join the bill until it is issued or cancelled (a project's cases, planBills).
  open_key text NOT NULL,
  is_open boolean NOT NULL,
  case_ids text[] NOT NULL,
  department_ids text[] NOT NULL,
  -- The earliest due time of a part not yet confirmed (NULL when none is pending).
  pending_due_at timestamptz,
  total_fen bigint NOT NULL CHECK (total_fen >= 0),
  paid_fen bigint NOT NULL CHECK (paid_fen >= 0 AND paid_fen <= total_fen),
  opened_at timestamptz NOT NULL,
  version integer NOT NULL,
  doc jsonb NOT NULL
);
CREATE UNIQUE INDEX bills_open_key ON bills (open_key) WHERE is_open;
CREATE INDEX bills_hall ON bills (hall_id, opened_at DESC);
CREATE INDEX bills_cases ON bills USING gin (case_ids);
CREATE INDEX bills_departments ON bills USING gin (department_ids);

CREATE TABLE day_counters (
  scope text PRIMARY KEY,
  next bigint NOT NULL
);

-- One row per bank transaction id that paid a bill: the callback's idempotency is this key.
CREATE TABLE payments (
  bank_transaction_id text PRIMARY KEY,
  bill_id text NOT NULL REFERENCES bills (id),
  hall_id text NOT NULL,
  payment_code text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  channel text NOT NULL,
  paid_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  value_date date NOT NULL
);
CREATE INDEX payments_hall_day ON payments (hall_id, value_date);

-- Money the bank took that the hall must give back (a cancelled bill, a second payment).
CREATE TABLE payment_exceptions (
  bank_transaction_id text PRIMARY KEY,
  bill_id text NOT NULL REFERENCES bills (id),
  hall_id text NOT NULL,
  payment_code text NOT NULL,
  kind text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  channel text NOT NULL,
  paid_at timestamptz NOT NULL,
  reported_at timestamptz NOT NULL,
  value_date date NOT NULL
);
CREATE INDEX payment_exceptions_hall ON payment_exceptions (hall_id, reported_at DESC);

CREATE TABLE ledger_entries (
  id bigserial PRIMARY KEY,
  transaction_id text NOT NULL,
  hall_id text NOT NULL,
  movement text NOT NULL,
  account text NOT NULL,
  debit_fen bigint NOT NULL CHECK (debit_fen >= 0),
  credit_fen bigint NOT NULL CHECK (credit_fen >= 0),
  department_id text NOT NULL DEFAULT '',
  bill_id text NOT NULL DEFAULT '',
  line_id text NOT NULL DEFAULT '',
  deposit_id text NOT NULL DEFAULT '',
  value_date date NOT NULL,
  booked_at timestamptz NOT NULL,
  CHECK ((debit_fen > 0) <> (credit_fen > 0))
);
CREATE INDEX ledger_transaction ON ledger_entries (transaction_id);
CREATE INDEX ledger_bill ON ledger_entries (bill_id) WHERE bill_id <> '';
CREATE INDEX ledger_deposit ON ledger_entries (deposit_id) WHERE deposit_id <> '';
CREATE INDEX ledger_hall_day ON ledger_entries (hall_id, value_date);

CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: book a new movement instead';
END;
$$;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

-- Checked at commit: a transaction whose debits and credits differ never lands.
CREATE FUNCTION check_ledger_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  difference bigint;
BEGIN
  SELECT coalesce(sum(debit_fen - credit_fen), 0) INTO difference
    FROM fee.ledger_entries WHERE transaction_id = NEW.transaction_id;
  IF difference <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % does not balance (debits - credits = %)', NEW.transaction_id, difference;
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER ledger_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_ledger_balance();

CREATE TABLE deposits (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  status text NOT NULL,
  bank_transaction_id text NOT NULL UNIQUE,
  received_at timestamptz NOT NULL,
  version integer NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX deposits_hall ON deposits (hall_id, received_at DESC);

CREATE TABLE reconciliations (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  day date NOT NULL,
  reconciled_at timestamptz NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX reconciliations_hall ON reconciliations (hall_id, reconciled_at DESC);
