import { CaseEvents, CatalogueEvents, FeeEvents, IntakeEvents, contractRegistry } from '@govhall/contracts';
import { consumeEvents, eventDecoder, streamFor, type EventBus, type Subscription } from '@govhall/kit';
import type { TimingService } from '../../app/timing-service';

export const INTAKE_CONSUMER = 'timing-intake';
export const CASE_CONSUMER = 'timing-case';
export const CATALOGUE_CONSUMER = 'timing-catalogue';
export const FEE_CONSUMER = 'timing-fee';

/**
 * The clocks' inputs, one durable consumer per stream: intake (the acceptance clock, 补正 pauses, 容缺 overdue),
 * the case service (stage, part, promised and statutory clocks, special procedures, extensions, completion) and the
 * catalogue (leader chains; a calendar year loaded unparks clocks). Each event is handled once: its id is the
 * command's request id. Types a consumer does not need are acknowledged and skipped.
 */
export interface TimingInputs {
  readonly subscriptions: readonly Subscription[];
  /** When an event was last handled (epoch ms; the start when none yet): the firing loop waits for a backlog. */
  lastHandledAt(): number;
}

export async function consumeTimingInputs(
  bus: EventBus,
  service: TimingService,
  regionCode: string,
  onCalendarChanged: (year: number | undefined) => Promise<void>,
): Promise<TimingInputs> {
  const intake = eventDecoder(IntakeEvents, contractRegistry());
  const cases = eventDecoder(CaseEvents, contractRegistry());
  const catalogue = eventDecoder(CatalogueEvents, contractRegistry());
  let last = Date.now();
  const subscriptions = [
    await consumeEvents(
      bus,
      { stream: streamFor('intake', regionCode).name, durable: INTAKE_CONSUMER, regionCode },
      intake,
      async (event) => {
        last = Date.now();
        const id = event.envelope.id;
        if (event.type === 'intake.application.registered') return service.registered(id, event.data);
        if (event.type === 'intake.application.supplement_requested')
          return service.supplementRequested(id, event.data);
        if (event.type === 'intake.application.resubmitted') return service.resubmitted(id, event.data);
        if (event.type === 'intake.application.accepted' || event.type === 'intake.application.completed_immediately')
          return service.registrationDecided(
            id,
            event.data.registrationId,
            'accepted',
            event.data.acceptedAt ?? new Date(event.envelope.occurredAt),
            event.data.caseId,
          );
        if (event.type === 'intake.application.refused')
          return service.registrationDecided(
            id,
            event.data.registrationId,
            'refused',
            new Date(event.envelope.occurredAt),
          );
        if (event.type === 'intake.application.missing_materials_overdue')
          return service.missingMaterialsOverdue(id, event.data);
        // Tickets, appointments, agents, query passwords: not timed.
        return undefined;
      },
    ),
    await consumeEvents(
      bus,
      { stream: streamFor('case', regionCode).name, durable: CASE_CONSUMER, regionCode },
      cases,
      async (event) => {
        last = Date.now();
        const id = event.envelope.id;
        if (event.type === 'case.case.opened') return service.caseOpened(id, event.data);
        if (event.type === 'case.stage.entered') return service.stageEntered(id, event.data);
        if (event.type === 'case.handler.assigned') return service.handlerAssigned(id, event.data);
        if (event.type === 'case.stage.completed') return service.stageCompleted(id, event.data);
        if (event.type === 'case.subtask.ready') return service.subtaskChanged(id, 'ready', event.data);
        if (event.type === 'case.subtask.started') return service.subtaskChanged(id, 'started', event.data);
        if (event.type === 'case.subtask.decided') return service.subtaskChanged(id, 'decided', event.data);
        if (event.type === 'case.special_procedure.started') return service.specialProcedure(id, true, event.data);
        if (event.type === 'case.special_procedure.ended') return service.specialProcedure(id, false, event.data);
        if (event.type === 'case.case.extended') return service.extended(id, event.data);
        if (event.type === 'case.case.decided') return service.decided(id, event.data);
        if (event.type === 'case.case.completed') return service.completed(id, event.data);
        // Certificates, archive, bundles, hand-offs: not timed.
        return undefined;
      },
    ),
    await consumeEvents(
      bus,
      { stream: streamFor('catalogue', regionCode).name, durable: CATALOGUE_CONSUMER, regionCode },
      catalogue,
      async (event) => {
        last = Date.now();
        if (event.type === 'catalogue.leader_chain.set') return service.leaderChainSet(event.envelope.id, event.data);
        if (event.type === 'catalogue.calendar.year_loaded') return onCalendarChanged(event.data.schedule?.year);
        if (event.type === 'catalogue.calendar.hall_hours_set') return onCalendarChanged(undefined);
        // The rest of the directory and the items: not timed.
        return undefined;
      },
    ),
  ];
  return { subscriptions, lastHandledAt: () => last };
}

/**
 * The fee service's findings for 收费监察: a line charged above its published standard is a rule breach. Apart
 * from the clocks' inputs: it stops no clock, so the firing loop does not wait for its backlog. Each event is
 * handled once (its id is the command's request id); the bills' other events are acknowledged and skipped.
 */
export function consumeFeeBreaches(bus: EventBus, service: TimingService, regionCode: string): Promise<Subscription> {
  return consumeEvents(
    bus,
    { stream: streamFor('fee', regionCode).name, durable: FEE_CONSUMER, regionCode },
    eventDecoder(FeeEvents, contractRegistry()),
    async (event) => {
      if (event.type === 'fee.line.above_standard')
        return service.chargeAboveStandard(event.envelope.id, event.data, new Date(event.envelope.occurredAt));
      // Bills, payments, deposits: not supervised here.
      return undefined;
    },
  );
}
