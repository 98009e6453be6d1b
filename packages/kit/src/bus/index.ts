/** The event bus: the port, the observer hooks and the two adapters that pass one contract suite. */
export * from './port';
export {
  BusHandleOutcomes,
  DeadLetterHeaders,
  deliveryHeaders,
  guardObserver,
  noopBusObserver,
  type BusHandleOutcome,
  type BusObserver,
  type DeadLetterHeader,
  type DeliveryWithHeaders,
} from './observer';
export { JetStreamBus, type JetStreamBusOptions } from './jetstream';
export {
  InProcessBus,
  InProcessBusState,
  subjectMatches,
  subjectsOverlap,
  type InProcessBusOptions,
} from './in-process';
