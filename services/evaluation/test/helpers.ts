import { EvaluationEvents, contractRegistry } from '@govhall/contracts';
import { eventDecoder, fieldViolationsOf, type EventEnvelope, type EventOf } from '@govhall/kit';
import { readStream, sharedNatsUrl } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';

/** Awaits the gRPC error `code` whose details match every text, in order. */
export async function refused(
  call: Promise<unknown>,
  code: grpc.status,
  ...texts: string[]
): Promise<grpc.ServiceError> {
  const error = await call.then(
    (answer) => {
      throw new Error(`expected ${grpc.status[code]}, got an answer: ${JSON.stringify(answer).slice(0, 300)}`);
    },
    (e: unknown) => e as grpc.ServiceError,
  );
  expect(grpc.status[error.code]).toBe(grpc.status[code]);
  for (const t of texts) expect(error.details).toContain(t);
  return error;
}

/** Awaits INVALID_ARGUMENT naming `field` among its violations. */
export async function invalid(call: Promise<unknown>, field: string): Promise<grpc.ServiceError> {
  const error = await refused(call, grpc.status.INVALID_ARGUMENT);
  expect(fieldViolationsOf(error).map((v) => v.field)).toContain(field);
  return error;
}

export type EvaluationEvent = EventOf<typeof EvaluationEvents>;
const decode = eventDecoder(EvaluationEvents, contractRegistry());

/** Every event on the region's evaluation stream, decoded as a consumer would, with its raw JSON. */
export async function evaluationEventsOn(region: string): Promise<Array<{ event: EvaluationEvent; raw: unknown }>> {
  const stored = await readStream(sharedNatsUrl(), `EVALUATION_${region}`);
  const out: Array<{ event: EvaluationEvent; raw: unknown }> = [];
  for (const m of stored) {
    const event = decode(m.json as EventEnvelope);
    if (event) out.push({ event, raw: m.json });
  }
  return out;
}
