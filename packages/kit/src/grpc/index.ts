export {
  toGrpcError,
  fieldViolationsOf,
  toHttpStatus,
  STATUS_DETAILS_KEY,
  INTERNAL_MESSAGE,
  type HttpErrorBody,
} from './errors';
export {
  startGrpcServer,
  grpcService,
  unary,
  type ServiceAccess,
  type CallContext,
  type GrpcHealth,
  type GrpcMetrics,
  type GrpcServerOptions,
  type GrpcServiceRegistration,
  type RunningGrpcServer,
} from './server';
export {
  grpcClientOptions,
  callUnary,
  type CallUnaryOptions,
  type GrpcClientOptions,
  type RequestOf,
  type ResponseOf,
  type UnaryMethodName,
} from './client';
export { required } from './messages';
export { checkRequest, diagnoseUndecodable, isIdField, protoFieldName, type RequestLimits } from './request-guard';
