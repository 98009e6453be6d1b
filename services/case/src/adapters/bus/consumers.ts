import { CaseEvents, FeeEvents, IntakeEvents, contractRegistry } from '@govhall/contracts';
import { consumeEvents, eventDecoder, streamFor, type EventBus, type Subscription } from '@govhall/kit';
import type { CaseService } from '../../app/case-service';

export const INTAKE_CONSUMER = 'case-intake';

/**
 * Opens cases from intake's acceptances, and follows what intake learns of them later (容缺 materials supplied,
 * query password reissued). Durable; each event handled once (its id is the command's request id).
 */
export function consumeIntake(bus: EventBus, service: CaseService, regionCode: string): Promise<Subscription> {
  const decode = eventDecoder(IntakeEvents, contractRegistry());
  return consumeEvents(
    bus,
    { stream: streamFor('intake', regionCode).name, durable: INTAKE_CONSUMER, regionCode },
    decode,
    async (event) => {
      // Other intake events (tickets, registrations, refusals) are not the case's: skipped.
      if (event.type === 'intake.application.accepted')
        return service.openFromIntake(event.envelope.id, event.data, false);
      if (event.type === 'intake.application.completed_immediately')
        return service.openFromIntake(event.envelope.id, event.data, true);
      if (event.type === 'intake.application.missing_materials_supplied')
        return service.materialsSupplied(event.envelope.id, event.data);
      if (event.type === 'intake.application.query_password_reissued')
        return service.queryPasswordReissued(event.envelope.id, event.data);
      return undefined;
    },
  );
}

export const FEE_CONSUMER = 'case-fee';

/**
 * 一费制: the fee service's `fee.case.fees_paid` (every bill of a case paid or exempt) releases the case's
 * certificate. Durable; each event handled once (its id is the command's request id). Other fee events (bills,
 * refunds, deposits, reconciliation) are not the case's: skipped.
 */
export function consumeFees(bus: EventBus, service: CaseService, regionCode: string): Promise<Subscription> {
  const decode = eventDecoder(FeeEvents, contractRegistry());
  return consumeEvents(
    bus,
    { stream: streamFor('fee', regionCode).name, durable: FEE_CONSUMER, regionCode },
    decode,
    async (event) => {
      if (event.type === 'fee.case.fees_paid')
        return service.feesPaid(event.envelope.id, event.data, event.envelope.occurredAt);
      return undefined;
    },
  );
}

/**
 * 市县联动: hand-offs from other tiers, from the sourced streams the operator keeps for this deployment: a
 * request addressed to this region (upper tier), or progress reports on cases this region handed up (lower tier).
 * Events addressed to other regions are skipped.
 */
export async function consumeHandoffs(
  bus: EventBus,
  service: CaseService,
  regionCode: string,
  streams: readonly string[],
): Promise<Subscription[]> {
  const decode = eventDecoder(CaseEvents, contractRegistry());
  const subscriptions: Subscription[] = [];
  for (const stream of streams) {
    subscriptions.push(
      await consumeEvents(
        bus,
        { stream, durable: `case-handoffs-${stream.toLowerCase()}`, regionCode },
        decode,
        async (event) => {
          if (event.type === 'case.handoff.requested') return service.handoffRequested(event.envelope.id, event.data);
          if (event.type === 'case.handoff.progressed') return service.handoffProgressed(event.envelope.id, event.data);
          return undefined;
        },
      ),
    );
  }
  return subscriptions;
}
