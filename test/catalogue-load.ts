import { randomUUID } from 'node:crypto';
import { CatalogueEvents, catalogueV1 as pb, contractRegistry } from '@govhall/contracts';
import { bearerInterceptor, callUnary, eventDecoder, type EventEnvelope } from '@govhall/kit';
import { readStream, sharedNatsUrl } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';

/**
 * Load for system tests: concurrent clients issuing `CreateDepartment` against a catalogue process, each
 * command with a fresh request id and a code no other command uses, every answer recorded.
 */

export type OrganisationClient = pb.OrganisationServiceClient;

/** A client of the catalogue's organisation service that calls as `token` (an administrator's). */
export function organisationClient(port: number, token: string): OrganisationClient {
  return new pb.OrganisationServiceClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    interceptors: [bearerInterceptor(token)],
  });
}

export async function createHall(client: OrganisationClient): Promise<string> {
  const { hall } = await callUnary(client, 'createHall', {
    requestId: randomUUID(),
    hall: {
      name: '潍坊市政务服务中心',
      tier: pb.HallTier.HALL_TIER_CITY,
      regionCode: '370700',
      parentHallId: '',
      address: '',
      kind: pb.HallKind.HALL_KIND_MAIN,
      complaintPhone: '12345',
      complaintUrl: '',
    },
  });
  return hall!.id;
}

/** One intended change: its request id and request stay the same on every retry. */
export interface DepartmentCommand {
  readonly requestId: string;
  readonly hallId: string;
  readonly code: string;
}

export interface DepartmentCreated {
  readonly id: string;
  readonly code: string;
  readonly createdAt: Date | undefined;
}

export interface Answer {
  readonly command: DepartmentCommand;
  readonly sentAt: number;
  readonly answeredAt: number;
  /** The department, when the command was acknowledged. */
  readonly department?: DepartmentCreated;
  /** The gRPC status code of a failure. */
  readonly code?: grpc.status;
  readonly details?: string;
}

/** Sends `command` once and records the answer; never throws. */
export async function sendCreateDepartment(
  client: OrganisationClient,
  command: DepartmentCommand,
  deadlineMs = 10_000,
): Promise<Answer> {
  const sentAt = Date.now();
  try {
    const { department } = await callUnary(
      client,
      'createDepartment',
      {
        requestId: command.requestId,
        department: {
          hallId: command.hallId,
          code: command.code,
          name: `部门 ${command.code}`,
          nature: pb.BodyNature.BODY_NATURE_LEGAL_ORGAN,
          tier: pb.HallTier.HALL_TIER_UNSPECIFIED,
          regionCode: '',
          consultationPhone: '12345',
          upperDepartmentId: '',
        },
      },
      { deadlineMs },
    );
    return {
      command,
      sentAt,
      answeredAt: Date.now(),
      department: { id: department!.id, code: department!.code, createdAt: department!.createdAt },
    };
  } catch (error) {
    const { code, details } = error as Partial<grpc.ServiceError>;
    return {
      command,
      sentAt,
      answeredAt: Date.now(),
      code: code ?? grpc.status.UNKNOWN,
      details: details ?? String(error),
    };
  }
}

export interface DepartmentLoad {
  /** Every answer so far, in the order they came. */
  readonly answers: readonly Answer[];
  acknowledged(): number;
  /** Stops issuing new commands and waits for the ones in flight to be answered. */
  stop(): Promise<void>;
}

export interface DepartmentLoadOptions {
  readonly port: number;
  readonly token: string;
  readonly hallId: string;
  readonly clients?: number;
  /** A client's pause after a failed command before its next one, as a real client backs off. */
  readonly pauseAfterFailureMs?: number;
  /** Prefix of the department codes (capital letters), unique per load within the hall. */
  readonly codePrefix?: string;
}

/** Starts `clients` concurrent clients (own channel each), each issuing one command after another. */
export function startDepartmentLoad(options: DepartmentLoadOptions): DepartmentLoad {
  const answers: Answer[] = [];
  let running = true;
  let acked = 0;
  const prefix = options.codePrefix ?? 'D';
  const pauseMs = options.pauseAfterFailureMs ?? 50;
  const worker = async (index: number): Promise<void> => {
    const client = organisationClient(options.port, options.token);
    try {
      for (let n = 0; running; n += 1) {
        const command = {
          requestId: randomUUID(),
          hallId: options.hallId,
          code: `${prefix}${index}_${String(n).padStart(6, '0')}`,
        };
        const answer = await sendCreateDepartment(client, command);
        answers.push(answer);
        if (answer.department) acked += 1;
        else if (running) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    } finally {
      client.close();
    }
  };
  const workers = Array.from({ length: options.clients ?? 8 }, (_, i) => worker(i));
  return {
    answers,
    acknowledged: () => acked,
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

/** How many answers carried each outcome: `OK` or the gRPC status name. */
export function answersByCode(answers: readonly Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const key = answer.department ? 'OK' : (grpc.status[answer.code!] ?? String(answer.code));
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export interface DepartmentEvents {
  /** `catalogue.department.created` events on the stream per department id. */
  readonly createdPerDepartment: ReadonlyMap<string, number>;
  /** Stored messages of the stream, and how many distinct `Nats-Msg-Id`s they carry. */
  readonly messages: number;
  readonly distinctMessageIds: number;
  /** Stored messages without a `Nats-Msg-Id`. */
  readonly withoutMessageId: number;
}

const decode = eventDecoder(CatalogueEvents, contractRegistry());

/**
 * Reads the whole `CATALOGUE_<region>` stream and counts department-created events by the department id of
 * their decoded payload (an event that does not decode throws).
 */
export async function departmentEventsOnStream(region: string): Promise<DepartmentEvents> {
  const messages = await readStream(sharedNatsUrl(), `CATALOGUE_${region}`);
  const createdPerDepartment = new Map<string, number>();
  for (const message of messages) {
    const event = decode(message.json as EventEnvelope);
    if (event?.type !== 'catalogue.department.created') continue;
    const id = event.data.department?.id ?? '(no department id)';
    createdPerDepartment.set(id, (createdPerDepartment.get(id) ?? 0) + 1);
  }
  const ids = messages.map((m) => m.msgId).filter((id): id is string => id !== undefined);
  return {
    createdPerDepartment,
    messages: messages.length,
    distinctMessageIds: new Set(ids).size,
    withoutMessageId: messages.length - ids.length,
  };
}
