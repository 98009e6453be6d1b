import { catalogueItemsV1 as items, intakeV1 as pb } from '@govhall/contracts';
import type { CommandKey } from '@govhall/kit';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Emit } from '../../app/events';
import type {
  CertificateRow,
  RegistrationFilter,
  RegistrationReads,
  RegistrationStore,
  RegistrationTx,
  StoredRegistration,
  VerifiedRow,
} from '../../app/registration-ports';
import { runCommand, type IntakeCommands } from './commands';
import type { IntakeTables } from './tables';

const json = (value: unknown) => JSON.stringify(value);
const reg = (row: { doc: unknown; item: unknown; applicant_id: string; query_password_hash: string | null }) => ({
  registration: pb.Registration.fromJSON(row.doc),
  item: items.Item.fromJSON(row.item),
  applicantId: row.applicant_id,
  queryPasswordHash: row.query_password_hash,
});

/** Reads shared by the transaction and the plain store. */
class Reads implements RegistrationReads {
  constructor(protected readonly db: Kysely<IntakeTables> | Transaction<IntakeTables>) {}

  async registration(id: string, lock = false): Promise<StoredRegistration | undefined> {
    let query = this.db.selectFrom('registrations').selectAll().where('id', '=', id);
    if (lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? reg(row) : undefined;
  }

  async certificates(applicantId: string, today: string): Promise<CertificateRow[]> {
    const rows = await this.db
      .selectFrom('certificates')
      .selectAll()
      .where('applicant_id', '=', applicantId)
      .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '=', ''), eb('valid_until', '>=', today)]))
      .orderBy('issued_at', 'desc')
      .execute();
    return rows.map((r) => ({
      certificateId: r.certificate_id,
      applicantId: r.applicant_id,
      name: r.name,
      number: r.number,
      issuer: r.issuer,
      caseNumber: r.case_number,
      issuedAt: r.issued_at,
      validUntil: r.valid_until ?? '',
    }));
  }

  async verified(applicantId: string): Promise<VerifiedRow[]> {
    const rows = await this.db
      .selectFrom('verified_materials')
      .selectAll()
      .where('applicant_id', '=', applicantId)
      .orderBy('verified_at', 'desc')
      .execute();
    return rows.map((r) => ({
      materialName: r.material_name,
      caseNumber: r.case_number,
      issuer: r.issuer,
      verifiedAt: r.verified_at,
    }));
  }

  async agent(id: string): Promise<pb.Agent | undefined> {
    const row = await this.db.selectFrom('agents').select('doc').where('id', '=', id).executeTakeFirst();
    return row ? pb.Agent.fromJSON(row.doc) : undefined;
  }

  async applicantByIdentity(identityKey: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('applicants')
      .select('id')
      .where('identity_key', '=', identityKey)
      .executeTakeFirst();
    return row?.id;
  }
}

/** What a registration command's work may do, inside its transaction. */
class PgRegistrationTx extends Reads implements RegistrationTx {
  constructor(
    private readonly trx: Transaction<IntakeTables>,
    readonly emit: Emit,
  ) {
    super(trx);
  }

  /** The next number of a daily scope; concurrent commands serialise on the counter's row. */
  async nextNumber(scope: string): Promise<number> {
    const row = await this.trx
      .insertInto('number_counters')
      .values({ scope, next: 1 })
      .onConflict((oc) => oc.column('scope').doUpdateSet({ next: sql`number_counters.next + 1` }))
      .returning('next')
      .executeTakeFirstOrThrow();
    return Number(row.next);
  }

  async saveAgent(agent: pb.Agent, sealed: { idHash: string; id: string; phone: string }): Promise<void> {
    await this.trx
      .insertInto('agents')
      .values({
        id: agent.id,
        hall_id: agent.hallId,
        id_number_hash: sealed.idHash,
        id_number_sealed: sealed.id,
        phone_sealed: sealed.phone,
        appointed_from: agent.appointedFrom,
        appointed_until: agent.appointedUntil || null,
        doc: json(pb.Agent.toJSON(agent)),
        created_at: agent.createdAt!,
      })
      .execute();
  }

  async agentAppointment(hallId: string, idHash: string, from: string): Promise<boolean> {
    const row = await this.trx
      .selectFrom('agents')
      .select('id')
      .where('hall_id', '=', hallId)
      .where('id_number_hash', '=', idHash)
      .where('appointed_from', '=', from)
      .executeTakeFirst();
    return !!row;
  }

  /** The applicant's id: the row of this identity, created on first sight (sealed data refreshed). */
  async applicant(
    identityKey: string,
    kind: string,
    sealed: { id: string | null; phone: string },
    newId: string,
    at: Date,
  ): Promise<string> {
    const row = await this.trx
      .insertInto('applicants')
      .values({
        id: newId,
        identity_key: identityKey,
        kind,
        id_number_sealed: sealed.id,
        phone_sealed: sealed.phone,
        created_at: at,
      })
      .onConflict((oc) =>
        oc.column('identity_key').doUpdateSet({ phone_sealed: sealed.phone, id_number_sealed: sealed.id }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async insertRegistration(registration: pb.Registration, item: items.Item, applicantId: string): Promise<void> {
    await this.trx
      .insertInto('registrations')
      .values({
        id: registration.id,
        number: registration.number,
        hall_id: registration.hallId,
        department_id: registration.departmentId,
        applicant_id: applicantId,
        status: registration.status,
        registered_at: registration.registeredAt!,
        item: json(items.Item.toJSON(item)),
        doc: json(pb.Registration.toJSON(registration)),
        version: registration.version,
      })
      .execute();
  }

  async updateRegistration(
    registration: pb.Registration,
    extra: {
      queryPasswordHash?: string;
      supplementDueAt?: Date | null;
      overdueAt?: Date;
    } = {},
  ): Promise<void> {
    const a = registration.acceptance;
    await this.trx
      .updateTable('registrations')
      .set({
        status: registration.status,
        doc: json(pb.Registration.toJSON(registration)),
        version: registration.version,
        case_id: a?.caseId || null,
        case_number: a?.caseNumber || null,
        refused_at: registration.refusal?.refusedAt ?? null,
        ...(extra.queryPasswordHash ? { query_password_hash: extra.queryPasswordHash } : {}),
        ...(extra.supplementDueAt !== undefined ? { supplement_due_at: extra.supplementDueAt } : {}),
        ...(extra.overdueAt ? { overdue_at: extra.overdueAt } : {}),
      })
      .where('id', '=', registration.id)
      .execute();
  }

  async recordVerified(applicantId: string, name: string, caseNumber: string, issuer: string, at: Date): Promise<void> {
    await this.trx
      .insertInto('verified_materials')
      .values({ applicant_id: applicantId, material_name: name, case_number: caseNumber, issuer, verified_at: at })
      .onConflict((oc) =>
        oc.columns(['applicant_id', 'material_name']).doUpdateSet({ case_number: caseNumber, issuer, verified_at: at }),
      )
      .execute();
  }

  async saveTemplate(template: pb.DocumentTemplate): Promise<void> {
    await this.trx
      .insertInto('document_templates')
      .values({ hall_id: template.hallId, doc: json(pb.DocumentTemplate.toJSON(template)), version: template.version })
      .onConflict((oc) =>
        oc
          .column('hall_id')
          .doUpdateSet({ doc: json(pb.DocumentTemplate.toJSON(template)), version: template.version }),
      )
      .execute();
  }
}

/** The registrations' store over PostgreSQL: commands through the kit's runner, reads on the pool. */
export class PgRegistrationStore extends Reads implements RegistrationStore {
  constructor(private readonly commands: IntakeCommands) {
    super(commands.db);
  }

  command<T>(key: CommandKey<T>, work: (tx: RegistrationTx) => Promise<T>): Promise<T> {
    return runCommand(this.commands, key, (trx, emit) => new PgRegistrationTx(trx, emit), work);
  }

  async byNumber(column: 'number' | 'case_number', value: string): Promise<StoredRegistration | undefined> {
    const row = await this.db.selectFrom('registrations').selectAll().where(column, '=', value).executeTakeFirst();
    return row ? reg(row) : undefined;
  }

  async list(filter: RegistrationFilter): Promise<pb.Registration[]> {
    let query = this.db.selectFrom('registrations').select('doc').where('hall_id', '=', filter.hallId);
    if (filter.departmentId) query = query.where('department_id', '=', filter.departmentId);
    if (filter.status) query = query.where('status', '=', filter.status);
    const rows = await query
      .orderBy('registered_at', 'desc')
      .orderBy('id', 'desc')
      .offset(filter.offset)
      .limit(filter.limit)
      .execute();
    return rows.map((r) => pb.Registration.fromJSON(r.doc));
  }

  async sealedPhone(of: { applicantId: string } | { appointmentId: string }): Promise<string | undefined> {
    const row =
      'applicantId' in of
        ? await this.db
            .selectFrom('applicants')
            .select('phone_sealed')
            .where('id', '=', of.applicantId)
            .executeTakeFirst()
        : await this.db
            .selectFrom('appointments')
            .select('phone_sealed')
            .where('id', '=', of.appointmentId)
            .executeTakeFirst();
    return row?.phone_sealed ?? undefined;
  }

  async refusals(hallId: string, from: Date, to: Date): Promise<pb.Registration[]> {
    const rows = await this.db
      .selectFrom('registrations')
      .select('doc')
      .where('hall_id', '=', hallId)
      .where('refused_at', '>=', from)
      .where('refused_at', '<', to)
      .orderBy('refused_at')
      .execute();
    return rows.map((r) => pb.Registration.fromJSON(r.doc));
  }

  async listAgents(hallId: string, on: string): Promise<pb.Agent[]> {
    let query = this.db.selectFrom('agents').select('doc').where('hall_id', '=', hallId);
    if (on)
      query = query
        .where('appointed_from', '<=', on)
        .where((eb) => eb.or([eb('appointed_until', 'is', null), eb('appointed_until', '>=', on)]));
    const rows = await query.orderBy('created_at').execute();
    return rows.map((r) => pb.Agent.fromJSON(r.doc));
  }

  /** 容缺 cases past their supplement deadline, with materials outstanding, not yet reported overdue. */
  async overdueIds(now: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom('registrations')
      .select('id')
      .where('supplement_due_at', '<', now)
      .where('overdue_at', 'is', null)
      .limit(500)
      .execute();
    return rows.map((r) => r.id);
  }

  async template(hallId: string): Promise<pb.DocumentTemplate | undefined> {
    const row = await this.db
      .selectFrom('document_templates')
      .select('doc')
      .where('hall_id', '=', hallId)
      .executeTakeFirst();
    return row ? pb.DocumentTemplate.fromJSON(row.doc) : undefined;
  }

  /** 证照库: a certificate issued by the case service, once per certificate id. */
  static async saveCertificate(trx: Transaction<IntakeTables>, c: CertificateRow): Promise<void> {
    await trx
      .insertInto('certificates')
      .values({
        certificate_id: c.certificateId,
        applicant_id: c.applicantId,
        name: c.name,
        number: c.number,
        issuer: c.issuer,
        case_number: c.caseNumber,
        issued_at: c.issuedAt,
        valid_until: c.validUntil || null,
      })
      .onConflict((oc) => oc.column('certificate_id').doNothing())
      .execute();
  }
}
