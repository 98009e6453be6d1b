import { CaseEvents, EvaluationEvents, IntakeEvents, TimingEvents, contractRegistry } from '@govhall/contracts';
import { consumeEvents, eventDecoder, streamFor, type EventBus, type Subscription } from '@govhall/kit';
import type { Planner } from '../../app/planner';

export const INTAKE_CONSUMER = 'notify-intake';
export const CASE_CONSUMER = 'notify-case';
export const TIMING_CONSUMER = 'notify-timing';
export const EVALUATION_CONSUMER = 'notify-evaluation';

/**
 * What is sent comes from four streams, one durable consumer each: intake (acceptance, 补正, refusal,
 * appointments), the case service (special procedures, certificates, delivery, completion), timing (催办,
 * pre-warnings, cards) and evaluation (the SMS rating link). Each event is planned once (its id is the command's request id); `onPlanned` wakes
 * the dispatch loop.
 */
export async function consumeNotifyInputs(
  bus: EventBus,
  planner: Planner,
  regionCode: string,
  onPlanned: () => void,
): Promise<Subscription[]> {
  const registry = contractRegistry();
  const intake = eventDecoder(IntakeEvents, registry);
  const cases = eventDecoder(CaseEvents, registry);
  const timing = eventDecoder(TimingEvents, registry);
  const evaluation = eventDecoder(EvaluationEvents, registry);
  return [
    await consumeEvents(
      bus,
      { stream: streamFor('intake', regionCode).name, durable: INTAKE_CONSUMER, regionCode },
      intake,
      async (event) => {
        await planner.intakeEvent(event);
        onPlanned();
      },
    ),
    await consumeEvents(
      bus,
      { stream: streamFor('case', regionCode).name, durable: CASE_CONSUMER, regionCode },
      cases,
      async (event) => {
        await planner.caseEvent(event);
        onPlanned();
      },
    ),
    await consumeEvents(
      bus,
      { stream: streamFor('timing', regionCode).name, durable: TIMING_CONSUMER, regionCode },
      timing,
      async (event) => {
        await planner.timingEvent(event);
        onPlanned();
      },
    ),
    await consumeEvents(
      bus,
      { stream: streamFor('evaluation', regionCode).name, durable: EVALUATION_CONSUMER, regionCode },
      evaluation,
      async (event) => {
        await planner.evaluationEvent(event);
        onPlanned();
      },
    ),
  ];
}
