import * as grpc from '@grpc/grpc-js';

/** Resolves the call's error after checking its status code; fails the test if the call succeeded. */
export function expectGrpcError(promise: Promise<unknown>, code: grpc.status): Promise<grpc.ServiceError> {
  return promise.then(
    () => {
      throw new Error(`expected gRPC status ${grpc.status[code]}, got a response`);
    },
    (error: grpc.ServiceError) => {
      expect(grpc.status[error.code]).toBe(grpc.status[code]);
      return error;
    },
  );
}
