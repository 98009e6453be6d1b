import {
  CommandRunner,
  eventFactory,
  type Clock,
  type CommandKey,
  type CommittedEventSink,
  type IdGenerator,
} from '@govhall/kit';
import type { Kysely, Transaction } from 'kysely';
import type { Emit } from '../../app/events';
import { catalogueEnvelopes, type CatalogueEnvelopes } from '../events';
import type { CatalogueTables } from './pg-organisation-store';

/** What the catalogue's three stores share to run commands: the kit's runner and the event envelopes. */
export interface CatalogueCommands {
  readonly db: Kysely<CatalogueTables>;
  readonly runner: CommandRunner<CatalogueTables>;
  readonly envelopes: CatalogueEnvelopes;
}

export interface CatalogueCommandOptions {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Region of this deployment: the events' subjects and stream. */
  readonly regionCode: string;
  /** The outbox relay, to publish right after commit; without one, events wait for a sweep. */
  readonly sink?: CommittedEventSink;
}

export function catalogueCommands(
  database: { readonly db: Kysely<CatalogueTables>; readonly schema: string },
  options: CatalogueCommandOptions,
): CatalogueCommands {
  return {
    db: database.db,
    runner: new CommandRunner({ database, ...(options.sink ? { sink: options.sink } : {}) }),
    envelopes: catalogueEnvelopes(eventFactory(options)),
  };
}

/** Runs one command of a store: `open` builds the store's transaction object over the kit's scope. */
export function runCommand<T, Tx>(
  commands: CatalogueCommands,
  key: CommandKey<T>,
  open: (trx: Transaction<CatalogueTables>, emit: Emit) => Tx,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return commands.runner.run(key, (scope) =>
    work(open(scope.trx, (name, payload) => scope.emit(commands.envelopes(name, payload)))),
  );
}
