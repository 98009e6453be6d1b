import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  AlreadyExistsError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  UnavailableError,
  ValidationError,
} from '../errors';
import { fieldViolationsOf, STATUS_DETAILS_KEY, toGrpcError, toHttpStatus } from './errors';

interface StatusMessage {
  code: number;
  message: string;
  details: Array<{ type_url: string; value: Buffer }>;
}
interface BadRequestMessage {
  field_violations: Array<{ field: string; description: string }>;
}

// A real protobuf codec (protobufjs behind proto-loader) over wire-compatible copies of the google.rpc messages.
const codec = (
  protoLoader.loadSync(join(__dirname, '../../test/fixtures/rich-error.proto'), { keepCase: true, defaults: true })[
    'govhall.test.richerror.v1.Codec'
  ] as grpc.ServiceDefinition
)['Decode']!;
const decodeStatus = (bytes: Buffer): StatusMessage => codec.requestDeserialize(bytes) as StatusMessage;
const encodeStatus = (status: StatusMessage): Buffer => codec.requestSerialize(status);
const decodeBadRequest = (bytes: Buffer): BadRequestMessage => codec.responseDeserialize(bytes) as BadRequestMessage;
const encodeBadRequest = (message: BadRequestMessage): Buffer => codec.responseSerialize(message);

const violations = [
  { field: 'window.number', description: 'must be 1-4 digits' },
  { field: 'window.department_ids[1]', description: '部门不存在' },
];

describe('toGrpcError', () => {
  it.each([
    [new NotFoundError('case', 'C-1'), grpc.status.NOT_FOUND, 'case C-1 not found'],
    [new PreconditionFailedError('case is closed'), grpc.status.FAILED_PRECONDITION, 'case is closed'],
    [new AlreadyExistsError('ticket exists'), grpc.status.ALREADY_EXISTS, 'ticket exists'],
    [new PermissionDeniedError('not your window'), grpc.status.PERMISSION_DENIED, 'not your window'],
    [new UnavailableError('database restarting'), grpc.status.UNAVAILABLE, 'database restarting'],
  ])('maps %p to its status with its message', (error, code, message) => {
    const mapped = toGrpcError(error);
    expect(mapped).toMatchObject({ code, details: message, message });
    expect(mapped.metadata.get(STATUS_DETAILS_KEY)).toEqual([]);
  });

  it.each([new Error('password=hunter2'), 'a string', undefined, { code: 5, details: 'looks like a status' }])(
    'maps anything else (%p) to INTERNAL "internal error"',
    (thrown) => {
      const mapped = toGrpcError(thrown);
      expect(mapped).toMatchObject({
        code: grpc.status.INTERNAL,
        details: 'internal error',
        message: 'internal error',
      });
    },
  );

  it('logs the cause of an INTERNAL, and nothing for a domain error', () => {
    const logged: unknown[] = [];
    const logger = { error: (fields: unknown) => void logged.push(fields) };
    const cause = new Error('boom');
    toGrpcError(new NotFoundError('case', 'C-1'), logger);
    toGrpcError(cause, logger);
    expect(logged).toEqual([{ err: cause }]);
  });

  it('maps a ValidationError to INVALID_ARGUMENT naming every field, with a google.rpc.BadRequest a protobuf codec reads', () => {
    const mapped = toGrpcError(new ValidationError(violations));
    expect(mapped.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(mapped.details).toBe('window.number: must be 1-4 digits; window.department_ids[1]: 部门不存在');

    const [bytes] = mapped.metadata.get(STATUS_DETAILS_KEY);
    const status = decodeStatus(bytes as Buffer);
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.message).toBe(mapped.details);
    expect(status.details).toHaveLength(1);
    expect(status.details[0]!.type_url).toBe('type.googleapis.com/google.rpc.BadRequest');
    expect(decodeBadRequest(status.details[0]!.value).field_violations).toEqual(violations);
  });
});

describe('toGrpcError keeps status details small enough for a trailer', () => {
  it('clips a message that echoes a long value', () => {
    const error = toGrpcError(new NotFoundError('hall', '办'.repeat(20_000)));
    expect(error.details.length).toBeLessThanOrEqual(300);
    expect(error.details.startsWith('hall 办办')).toBe(true);
  });

  it('keeps the violations to about 2 KB, summing up the rest', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({
      field: `items[${i}].name`,
      description: '必须填写'.repeat(10),
    }));
    const error = toGrpcError(new ValidationError(many));
    const details = error.metadata.get(STATUS_DETAILS_KEY)[0] as Buffer;
    expect(details.length).toBeLessThan(4_096);
    const violations = fieldViolationsOf(error);
    expect(violations[0]).toEqual(many[0]);
    const last = violations.at(-1);
    expect(last?.field).toBe('request');
    expect(last?.description).toMatch(/^and \d+ more problems$/);
  });
});

describe('fieldViolationsOf', () => {
  function errorWithDetails(...values: Buffer[]): grpc.ServiceError {
    const metadata = new grpc.Metadata();
    for (const value of values) metadata.add(STATUS_DETAILS_KEY, value);
    return Object.assign(new Error('invalid'), { code: grpc.status.INVALID_ARGUMENT, details: 'invalid', metadata });
  }

  it('round-trips what toGrpcError wrote', () => {
    expect(fieldViolationsOf(toGrpcError(new ValidationError(violations)))).toEqual(violations);
  });

  it('reads a Status written by a real protobuf codec, skipping other detail types', () => {
    const bytes = encodeStatus({
      code: grpc.status.INVALID_ARGUMENT,
      message: 'bad',
      details: [
        { type_url: 'type.googleapis.com/google.rpc.ErrorInfo', value: Buffer.from([0x0a, 0x01, 0x78]) },
        {
          type_url: 'type.googleapis.com/google.rpc.BadRequest',
          value: encodeBadRequest({ field_violations: violations }),
        },
      ],
    });
    expect(fieldViolationsOf(errorWithDetails(bytes))).toEqual(violations);
  });

  it('returns [] with no details or undecodable ones', () => {
    expect(fieldViolationsOf(errorWithDetails())).toEqual([]);
    expect(fieldViolationsOf(errorWithDetails(Buffer.from([0x1a, 0x7f, 0x00])))).toEqual([]);
  });
});

describe('toHttpStatus', () => {
  it.each([
    [new NotFoundError('case', 'C-1'), 404, 'NOT_FOUND'],
    [new PreconditionFailedError('case is closed'), 409, 'FAILED_PRECONDITION'],
    [new AlreadyExistsError('exists'), 409, 'ALREADY_EXISTS'],
    [new PermissionDeniedError('no'), 403, 'PERMISSION_DENIED'],
    [new UnavailableError('later'), 503, 'UNAVAILABLE'],
  ])('maps %p to %i', (error, status, code) => {
    expect(toHttpStatus(error)).toEqual({ status, body: { code, message: error.message } });
  });

  it('maps a ValidationError to 400 with its violations', () => {
    expect(toHttpStatus(new ValidationError(violations))).toEqual({
      status: 400,
      body: {
        code: 'INVALID_ARGUMENT',
        message: 'window.number: must be 1-4 digits; window.department_ids[1]: 部门不存在',
        violations,
      },
    });
  });

  it('maps anything else to 500 "internal error"', () => {
    expect(toHttpStatus(new Error('password=hunter2'))).toEqual({
      status: 500,
      body: { code: 'INTERNAL', message: 'internal error' },
    });
  });

  it('maps a ServiceError from a downstream call by its code, passing on only caller-facing messages', () => {
    expect(toHttpStatus(toGrpcError(new ValidationError(violations)))).toMatchObject({
      status: 400,
      body: { violations },
    });
    expect(toHttpStatus(toGrpcError(new NotFoundError('case', 'C-1')))).toEqual({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'case C-1 not found' },
    });
    const dropped = Object.assign(new Error('14 UNAVAILABLE: connect ECONNREFUSED 10.0.0.3:50051'), {
      code: grpc.status.UNAVAILABLE,
      details: 'connect ECONNREFUSED 10.0.0.3:50051',
      metadata: new grpc.Metadata(),
    });
    expect(toHttpStatus(dropped)).toEqual({
      status: 503,
      body: { code: 'UNAVAILABLE', message: 'service unavailable' },
    });
    const unknown = Object.assign(new Error('2 UNKNOWN: stack trace here'), {
      code: grpc.status.UNKNOWN,
      details: 'stack trace here',
      metadata: new grpc.Metadata(),
    });
    expect(toHttpStatus(unknown)).toEqual({ status: 500, body: { code: 'INTERNAL', message: 'internal error' } });
  });
});
