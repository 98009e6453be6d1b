/**
 * The event envelope every service publishes and consumes, and the one place subjects are spelled.
 *
 * Subjects: `hall.<regionCode>.<service>.<entity>.<verb>`. The region code (GB/T 2260, 6 to 12 digits) comes
 * first so that a district or township NATS leaf node can filter what crosses tiers by subject.
 */

/** Services that own a stream. One stream per owning service per deployment region. */
export const Services = {
  catalogue: 'catalogue',
  intake: 'intake',
  case: 'case',
  timing: 'timing',
  fee: 'fee',
  notify: 'notify',
  evaluation: 'evaluation',
} as const;
export type ServiceName = (typeof Services)[keyof typeof Services];

/** GB/T 2260 administrative division code, extended with township (9) and village (12) digits. */
export const REGION_CODE_PATTERN = /^(\d{6}|\d{9}|\d{12})$/;

export interface EventEnvelope<TData = unknown> {
  /** Unique event id (UUIDv7); also the `Nats-Msg-Id` used for server-side dedupe. */
  readonly id: string;
  /** `<service>.<entity>.<verb>`, e.g. `catalogue.hall.created`. */
  readonly type: string;
  /** Version of `data`'s shape for this type; consumers reject versions they do not know. */
  readonly schemaVersion: number;
  /** ISO-8601 instant the state change committed. */
  readonly occurredAt: string;
  /** Region code of the hall (deployment) that owns the event. */
  readonly regionCode: string;
  /** The case the event belongs to, where there is one. */
  readonly caseId?: string;
  /** W3C trace context (`traceparent`, `tracestate`) captured where the event was raised. */
  readonly traceHeaders?: Readonly<Record<string, string>>;
  readonly data: TData;
}

/** Splits `catalogue.hall.created` into its service, entity and verb; throws on a malformed type. */
export function parseEventType(type: string): { service: string; entity: string; verb: string } {
  const parts = type.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[a-z][a-z0-9_-]*$/.test(part))) {
    throw new Error(`event type must be <service>.<entity>.<verb> in lower case, got "${type}"`);
  }
  const [service, entity, verb] = parts as [string, string, string];
  return { service, entity, verb };
}

function assertRegionCode(regionCode: string): void {
  if (!REGION_CODE_PATTERN.test(regionCode)) {
    throw new Error(`region code must be 6, 9 or 12 digits, got "${regionCode}"`);
  }
}

/** The subject an event is published on. */
export function subjectFor(event: Pick<EventEnvelope, 'type' | 'regionCode'>): string {
  assertRegionCode(event.regionCode);
  const { service, entity, verb } = parseEventType(event.type);
  return `hall.${event.regionCode}.${service}.${entity}.${verb}`;
}

/** Another stream whose events a stream copies in (JetStream stream sourcing); see `sourcedStreamFor`. */
export interface StreamSource {
  /** The owner's stream, e.g. `CASE_370705`. */
  readonly name: string;
  /** Only events on these subjects are copied, e.g. `hall.370705.case.handoff.>`; all of them when absent. */
  readonly filterSubject?: string;
  /**
   * The owner's JetStream domain, e.g. `district-370705`: the stream is reached through `$JS.<domain>.API`
   * (over the leaf link). Absent: a stream in this server's own domain.
   */
  readonly domain?: string;
}

export interface StreamSpec {
  readonly name: string;
  /** Subjects the stream captures; empty for a stream that only holds what its `sources` copy in. */
  readonly subjects: readonly string[];
  /**
   * Streams to copy events from, store-and-forward: after an outage the copy resumes where it stopped. Only
   * `JetStreamBus` can source; the in-process bus refuses such a spec.
   */
  readonly sources?: readonly StreamSource[];
}

/**
 * The stream a service owns in one region: `CATALOGUE_370700` over `hall.370700.catalogue.>`.
 * Each deployment (city, district, township) has its own region code and so its own streams.
 */
export function streamFor(service: ServiceName, regionCode: string): StreamSpec {
  assertRegionCode(regionCode);
  return { name: `${service.toUpperCase()}_${regionCode}`, subjects: [`hall.${regionCode}.${service}.>`] };
}

/** A JetStream domain name as nats-server accepts it and as it fits one token of `$JS.<domain>.API`. */
const DOMAIN_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * The stream that keeps, in the deployment of region `atRegion`, the events of `service` that region
 * `ownerRegion` publishes: `<SERVICE>_<ownerRegion>_AT_<atRegion>`, e.g. `CASE_370705_AT_370700` at the city
 * (370700) holding the district's (370705) `hall.370705.case.handoff.>`, and `CASE_370700_AT_370705` at the
 * district holding the city's hand-off answers. Both regions are codes, so the name says which copy it is
 * from either side (deploy/nats/hub.conf, "How events cross tiers").
 *
 * It captures no subjects of its own (the owner's subjects stay bound only by the owner's stream) and sources
 * `streamFor(service, ownerRegion)` through `$JS.<ownerDomain>.API`, copying only `filterSubject`, which must
 * lie inside the owner's `hall.<ownerRegion>.<service>.>`; the whole stream when omitted. Consume it with a
 * normal durable consumer in `atRegion` (dead letters go to `DLQ_<atRegion>`). In a real install `admin`
 * creates it (deploy/nats/sources.md); service users may not create streams other than their own.
 */
export function sourcedStreamFor(
  service: ServiceName,
  ownerRegion: string,
  atRegion: string,
  options: { readonly ownerDomain: string; readonly filterSubject?: string },
): StreamSpec {
  const owner = streamFor(service, ownerRegion);
  assertRegionCode(atRegion);
  if (atRegion === ownerRegion) {
    throw new Error(`a region does not source its own stream ${owner.name}`);
  }
  if (!DOMAIN_PATTERN.test(options.ownerDomain)) {
    throw new Error(`JetStream domain must be letters, digits, "-" or "_", got "${options.ownerDomain}"`);
  }
  const prefix = `hall.${ownerRegion}.${service}.`;
  const { filterSubject } = options;
  if (filterSubject !== undefined && (!filterSubject.startsWith(prefix) || filterSubject.length === prefix.length)) {
    throw new Error(`filter subject must lie inside ${prefix}>, got "${filterSubject}"`);
  }
  return {
    name: sourcedStreamName(service, ownerRegion, atRegion),
    subjects: [],
    sources: [
      { name: owner.name, domain: options.ownerDomain, ...(filterSubject !== undefined ? { filterSubject } : {}) },
    ],
  };
}

/**
 * The name alone of `sourcedStreamFor`'s stream, `<SERVICE>_<ownerRegion>_AT_<atRegion>`: what the keeping
 * service consumes (an operator created the stream, so the service needs no domain).
 */
export function sourcedStreamName(service: ServiceName, ownerRegion: string, atRegion: string): string {
  assertRegionCode(atRegion);
  return `${streamFor(service, ownerRegion).name}_AT_${atRegion}`;
}

/** Dead letters of one region: every consumer's poison messages, `dlq.<regionCode>.<stream>.<durable>`. */
export function deadLetterStreamFor(regionCode: string): StreamSpec {
  return { name: `DLQ_${regionCode}`, subjects: [`dlq.${regionCode}.>`] };
}

export function deadLetterSubject(regionCode: string, stream: string, durable: string): string {
  return `dlq.${regionCode}.${stream}.${durable}`;
}

// ---- event contracts ------------------------------------------------------------------------------------

/** The JSON methods of a ts-proto message (generated with `outputJsonMethods`). */
export interface EventMessageCodec<T> {
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
}

/**
 * One event type's contract: its payload is the protobuf message `messageName` (declared in
 * `proto/govhall/<service>/v1/events.proto`), carried in the envelope's `data` as proto-JSON.
 * `schemaVersion` changes only for a change old consumers cannot read; adding fields keeps it.
 */
export interface EventContract<T = unknown> {
  /** `<service>.<entity>.<verb>`, e.g. `catalogue.item.published`. */
  readonly type: string;
  readonly schemaVersion: number;
  /** Full protobuf name of the payload message, e.g. `govhall.catalogue.v1.ItemPublished`. */
  readonly messageName: string;
  readonly message: EventMessageCodec<T>;
}

/** The payload type of a contract. */
export type PayloadOf<C> = C extends EventContract<infer T> ? T : never;

/** A service's event contracts by name (see `defineEvents`). */
export type EventRegistry = Readonly<Record<string, EventContract<any>>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A decoded event of registry `R`: narrow on `type` to get the payload's type. */
export type EventOf<R extends EventRegistry> = {
  [K in keyof R]: { readonly type: R[K]['type']; readonly data: PayloadOf<R[K]>; readonly envelope: EventEnvelope };
}[keyof R];

/**
 * Declares a service's event contracts (in `@govhall/contracts`, beside the generated messages). Checks that
 * each type is well formed and appears once, and keeps the literal types, so `EventOf` narrows by `type`.
 */
export function defineEvents<const R extends EventRegistry>(contracts: R): R {
  const seen = new Set<string>();
  for (const [name, contract] of Object.entries(contracts)) {
    parseEventType(contract.type);
    if (seen.has(contract.type)) throw new Error(`event type ${contract.type} is declared twice (at ${name})`);
    if (!Number.isInteger(contract.schemaVersion) || contract.schemaVersion < 1) {
      throw new Error(`event ${contract.type}: schemaVersion must be a positive integer`);
    }
    seen.add(contract.type);
  }
  return contracts;
}
