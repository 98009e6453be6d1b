export {
  fuzzGrpcServices,
  replayFuzzCase,
  statusName,
  DEFAULT_FAILING_CODES,
  UnknownFuzzService,
  FuzzTargetUnreachable,
  InvalidFuzzOptions,
  type FuzzOptions,
  type FuzzReport,
  type FuzzFailure,
  type SkippedMethod,
  type StatusName,
} from './runner';
export { expectNoInternalAnswers, formatFuzzReport, formatFailure, FuzzFailuresFound } from './report';
export { fuzzCases, caseSeed, type FuzzCase, type FuzzCaseOptions } from './cases';
export { MessageGenerator, type MessageArbitraryOptions } from './messages';
export { rawCases, RawCaseKinds, type RawCase, type RawCaseKind, type RawCaseInputs } from './raw';
export { EDGE_STRINGS, UNKNOWN_ENUM_NUMBERS } from './values';
