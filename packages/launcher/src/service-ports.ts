/**
 * The services of the embedded start by name, with their default ports. Apart from `platform.ts` so that
 * `pnpm -s staff-token`, run by every `try:` line, finds the catalogue without loading every service.
 */
export const DEFAULT_PORTS = {
  catalogue: { grpc: 50051, http: 9401 },
  intake: { grpc: 50052, http: 9402 },
  case: { grpc: 50053, http: 9403 },
  timing: { grpc: 50054, http: 9404 },
  notify: { grpc: 50055, http: 9405 },
  fee: { grpc: 50056, http: 9406 },
  evaluation: { grpc: 50057, http: 9407 },
} as const;

/** A service's name and default ports: what the launcher's settings need of it. */
export interface ServicePortDefaults {
  readonly name: string;
  readonly defaultPorts: { readonly grpc: number; readonly http: number };
}

export const SERVICE_PORT_DEFAULTS: readonly ServicePortDefaults[] = Object.entries(DEFAULT_PORTS).map(
  ([name, defaultPorts]) => ({ name, defaultPorts }),
);
