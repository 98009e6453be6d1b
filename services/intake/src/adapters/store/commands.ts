import { IntakeEvents } from '@govhall/contracts';
import {
  CommandRunner,
  eventFactory,
  type Clock,
  type CommandKey,
  type CommittedEventSink,
  type EventContract,
  type IdGenerator,
} from '@govhall/kit';
import type { Kysely, Transaction } from 'kysely';
import type { Emit } from '../../app/events';
import type { IntakeTables } from './tables';

// The use cases' port (src/app/events.ts); re-exported for the adapters that build it.
export type { Emit };

/** What intake's stores share to run commands: the kit's runner and the event factory. */
export interface IntakeCommands {
  readonly db: Kysely<IntakeTables>;
  readonly runner: CommandRunner<IntakeTables>;
  readonly emitter: (emit: (envelope: ReturnType<ReturnType<typeof eventFactory>['create']>) => void) => Emit;
}

export interface IntakeCommandOptions {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Region of this deployment: the events' subjects and stream. */
  readonly regionCode: string;
  /** The outbox relay, to publish right after commit; without one, events wait for a sweep. */
  readonly sink?: CommittedEventSink;
}

export function intakeCommands(
  database: { readonly db: Kysely<IntakeTables>; readonly schema: string },
  options: IntakeCommandOptions,
): IntakeCommands {
  const factory = eventFactory(options);
  return {
    db: database.db,
    runner: new CommandRunner({ database, ...(options.sink ? { sink: options.sink } : {}) }),
    emitter: (emit) => (name, payload, caseId) =>
      emit(
        factory.create(
          IntakeEvents[name] as unknown as EventContract<typeof payload>,
          payload,
          caseId ? { caseId } : undefined,
        ),
      ),
  };
}

/** Runs one command of a store: `open` builds the store's transaction object over the kit's scope. */
export function runCommand<T, Tx>(
  commands: IntakeCommands,
  key: CommandKey<T>,
  open: (trx: Transaction<IntakeTables>, emit: Emit) => Tx,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return commands.runner.run(key, (scope) =>
    work(
      open(
        scope.trx,
        commands.emitter((e) => scope.emit(e)),
      ),
    ),
  );
}
