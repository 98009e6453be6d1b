import { IntakeEvents, contractRegistry, type intakeEventsV1 } from '@govhall/contracts';
import { consumeEvents, eventDecoder, streamFor, type EventBus, type Subscription } from '@govhall/kit';
import type { FeeService } from '../../app/fee-service';
import type { AcceptedCase } from '../../domain/bills';

export const INTAKE_CONSUMER = 'fee-intake';

function acceptedCase(a: intakeEventsV1.Accepted): AcceptedCase | undefined {
  if (!a.item || !a.acceptedAt) return undefined;
  return {
    caseId: a.caseId,
    caseNumber: a.caseNumber,
    hallId: a.hallId,
    applicantId: a.applicantId,
    applicantName: a.applicantName,
    projectName: a.projectName,
    acceptedAt: a.acceptedAt,
    item: a.item,
  };
}

/**
 * Bills open from intake's acceptances (受理 and 即办件): the event carries the pinned item whole, with its fee
 * items, and the applicant's name for the notice. Durable; each event handled once (its id is the request id).
 */
export function consumeIntake(bus: EventBus, service: FeeService, regionCode: string): Promise<Subscription> {
  const decode = eventDecoder(IntakeEvents, contractRegistry());
  return consumeEvents(
    bus,
    { stream: streamFor('intake', regionCode).name, durable: INTAKE_CONSUMER, regionCode },
    decode,
    async (event) => {
      if (event.type !== 'intake.application.accepted' && event.type !== 'intake.application.completed_immediately')
        return;
      const accepted = acceptedCase(event.data);
      if (accepted) await service.caseAccepted(event.envelope.id, accepted);
    },
  );
}
