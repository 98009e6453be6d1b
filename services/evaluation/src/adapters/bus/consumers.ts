import { CaseEvents, FeeEvents, TimingEvents, contractRegistry } from '@govhall/contracts';
import { consumeEvents, eventDecoder, streamFor, type EventBus, type Subscription } from '@govhall/kit';
import type { EvaluationService } from '../../app/evaluation-service';

export const CASE_CONSUMER = 'evaluation-case';
export const TIMING_CONSUMER = 'evaluation-timing';
export const FEE_CONSUMER = 'evaluation-fee';

/**
 * The case service's events: whom each case is about (opened, handler assigned) and its completion, which
 * issues the SMS rating link. Durable; each event handled once (its id is the request id).
 */
export function consumeCases(bus: EventBus, service: EvaluationService, regionCode: string): Promise<Subscription> {
  const decode = eventDecoder(CaseEvents, contractRegistry());
  return consumeEvents(
    bus,
    { stream: streamFor('case', regionCode).name, durable: CASE_CONSUMER, regionCode },
    decode,
    async (event) => {
      const id = event.envelope.id;
      if (event.type === 'case.case.opened') await service.caseOpened(id, event.data);
      else if (event.type === 'case.handler.assigned') await service.handlerAssigned(id, event.data);
      else if (event.type === 'case.case.completed') await service.caseCompleted(id, event.data);
    },
  );
}

/** Timing's cards, pre-warnings and rule breaches: facts of the monthly assessment. */
export function consumeTiming(bus: EventBus, service: EvaluationService, regionCode: string): Promise<Subscription> {
  const decode = eventDecoder(TimingEvents, contractRegistry());
  return consumeEvents(
    bus,
    { stream: streamFor('timing', regionCode).name, durable: TIMING_CONSUMER, regionCode },
    decode,
    async (event) => {
      const id = event.envelope.id;
      switch (event.type) {
        case 'timing.card.yellow':
        case 'timing.card.red':
          if (event.data.card) await service.cardIssued(id, event.data.card);
          return;
        case 'timing.card.cancelled':
          if (event.data.card) await service.cardCancelled(id, event.data.card);
          return;
        case 'timing.warning.issued':
          await service.warningIssued(id, event.data);
          return;
        case 'timing.rule.breached':
          if (event.data.breach) await service.ruleBreached(id, event.data.breach);
          return;
      }
    },
  );
}

/** The fee service's charges above the standard (违规收费), with who confirmed them. */
export function consumeFees(bus: EventBus, service: EvaluationService, regionCode: string): Promise<Subscription> {
  const decode = eventDecoder(FeeEvents, contractRegistry());
  return consumeEvents(
    bus,
    { stream: streamFor('fee', regionCode).name, durable: FEE_CONSUMER, regionCode },
    decode,
    async (event) => {
      if (event.type === 'fee.line.above_standard') await service.lineAboveStandard(event.envelope.id, event.data);
    },
  );
}
