import type { IntakeEvents } from '@govhall/contracts';
import type { PayloadOf } from '@govhall/kit';

type Contracts = typeof IntakeEvents;

/**
 * Raises one of intake's events with the command's commit (outbox): by its contract's name, with the contract's
 * message as payload (intake's use cases work on the contract messages; see docs/adr/0017). `caseId` goes into
 * the envelope for events of a case.
 */
export type Emit = <K extends keyof Contracts>(name: K, payload: PayloadOf<Contracts[K]>, caseId?: string) => void;
