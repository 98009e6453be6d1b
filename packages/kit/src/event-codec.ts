import { fromJson, type JsonValue, type Registry } from '@bufbuild/protobuf';
import type { ConsumerSpec, DeliveryInfo, EventBus, Subscription } from './bus/port';
import type { Clock } from './clock';
import { DomainError, ErrorKinds } from './errors';
import type { EventContract, EventEnvelope, EventOf, EventRegistry } from './events';
import type { IdGenerator } from './ids';

/**
 * An event that no retry can make readable: an unknown schema version, or a payload that is not its contract's
 * message. Non-retryable, so the bus dead-letters it on the first delivery instead of retrying it.
 */
export class MalformedEventError extends DomainError {
  readonly kind = ErrorKinds.invalid;
}

/** Stamps new events of one service: ids, time and region come from the service, the payload is typed. */
export interface EventFactory {
  create<T>(contract: EventContract<T>, payload: T, options?: { readonly caseId?: string }): EventEnvelope;
}

export function eventFactory(source: {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly regionCode: string;
}): EventFactory {
  return {
    create: (contract, payload, options) => ({
      id: source.ids.next(),
      type: contract.type,
      schemaVersion: contract.schemaVersion,
      occurredAt: source.clock.now().toISOString(),
      regionCode: source.regionCode,
      ...(options?.caseId ? { caseId: options.caseId } : {}),
      data: contract.message.toJSON(payload),
    }),
  };
}

/**
 * Decodes envelopes of the contracts in `registry`:
 * - a type the registry does not name → `undefined` (a consumer reading a whole stream skips what it does not
 *   handle; a producer may add types at any time);
 * - another schema version, or `data` that is not proto-JSON of the contract's message (checked against the
 *   descriptors, unknown fields allowed so producers can add fields) → `MalformedEventError`;
 * - otherwise the typed payload.
 * `descriptors` is `contractRegistry()` of `@govhall/contracts`.
 */
export function eventDecoder<R extends EventRegistry>(
  registry: R,
  descriptors: Registry,
): (envelope: EventEnvelope) => EventOf<R> | undefined {
  const byType = new Map<string, EventContract>(Object.values(registry).map((c) => [c.type, c]));
  for (const contract of byType.values()) {
    if (!descriptors.getMessage(contract.messageName)) {
      throw new Error(`event ${contract.type}: message ${contract.messageName} is not in the descriptors`);
    }
  }
  return (envelope) => {
    const contract = byType.get(envelope.type);
    if (!contract) return undefined;
    if (envelope.schemaVersion !== contract.schemaVersion) {
      throw new MalformedEventError(
        `event ${envelope.id} (${envelope.type}) has schema version ${envelope.schemaVersion}; this consumer reads ${contract.schemaVersion}`,
      );
    }
    const schema = descriptors.getMessage(contract.messageName)!;
    try {
      fromJson(schema, envelope.data as JsonValue, { ignoreUnknownFields: true, registry: descriptors });
    } catch (error) {
      throw new MalformedEventError(
        `event ${envelope.id} (${envelope.type}) does not carry a ${contract.messageName}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return { type: contract.type, data: contract.message.fromJSON(envelope.data), envelope } as EventOf<R>;
  };
}

/**
 * A durable consumer of typed events: each delivery is decoded with `decode` (see `eventDecoder`) before
 * `handler` sees it. A malformed event goes to the dead letter at once; a type the decoder does not know is
 * acknowledged and skipped.
 */
export function consumeEvents<E>(
  bus: EventBus,
  spec: ConsumerSpec,
  decode: (envelope: EventEnvelope) => E | undefined,
  handler: (event: E, delivery: DeliveryInfo) => Promise<void>,
): Promise<Subscription> {
  return bus.consume(spec, async (envelope, delivery) => {
    const event = decode(envelope);
    if (event) await handler(event, delivery);
  });
}
