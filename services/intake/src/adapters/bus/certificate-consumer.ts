import { CaseEvents, contractRegistry } from '@govhall/contracts';
import { consumeEvents, eventDecoder, handleOnce, streamFor, type EventBus, type Subscription } from '@govhall/kit';
import type { Kysely } from 'kysely';
import { PgRegistrationStore } from '../store/pg-registration-store';
import type { IntakeTables } from '../store/tables';

export const CERTIFICATE_CONSUMER = 'intake-certificates';

/**
 * 证照库: keeps every certificate the case service issues (`case.certificate.issued`), so that a later
 * application of the same holder finds it on file. Durable, once per event (inbox) and per certificate id.
 */
export function consumeCertificates(
  bus: EventBus,
  db: Kysely<IntakeTables>,
  regionCode: string,
): Promise<Subscription> {
  const decode = eventDecoder(CaseEvents, contractRegistry());
  return consumeEvents(
    bus,
    { stream: streamFor('case', regionCode).name, durable: CERTIFICATE_CONSUMER, regionCode },
    decode,
    async (event) => {
      if (event.type !== 'case.certificate.issued') return;
      const c = event.data;
      await handleOnce(db, CERTIFICATE_CONSUMER, event.envelope.id, (trx) =>
        PgRegistrationStore.saveCertificate(trx, {
          certificateId: c.certificateId,
          applicantId: c.applicantId,
          name: c.certificateName,
          number: c.certificateNumber,
          issuer: c.issuingDepartmentName,
          caseNumber: c.caseNumber,
          issuedAt: c.issuedAt ?? new Date(event.envelope.occurredAt),
          validUntil: c.validUntil,
        }),
      );
    },
  );
}
