/**
 * The embedded PostgreSQL alone, for tests: `node --import tsx serve-embedded-postgres.ts <data folder> <port>`.
 * PGlite loads its WASM by dynamic import, which jest's module sandbox refuses, so tests run it as a process.
 * Prints `ready` once it listens; stops on SIGTERM.
 */
import { startEmbeddedPostgres } from '../src/embedded-postgres';

const [dir, port] = process.argv.slice(2);
startEmbeddedPostgres(dir!, Number(port)).then(
  (postgres) => {
    process.stdout.write('ready\n');
    process.once('SIGTERM', () => {
      void postgres.stop().then(() => process.exit(0));
    });
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
