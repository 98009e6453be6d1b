import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { exited, freePort, spawnNatsServer, waitFor } from './processes';

export interface NatsHubAndLeafOptions {
  /** JetStream domain of the hub (the city); default `hub`. */
  readonly hubDomain?: string;
  /** JetStream domain of the leaf (a district); default `leaf`. */
  readonly leafDomain?: string;
}

/**
 * Two real nats-servers as deployed (deploy/nats/hub.conf, leaf-district.conf), without TLS or per-service
 * users: a hub and a leaf node, each its own JetStream domain, linked in one account (`HALL`; clients connect
 * without credentials as `admin`). The leaf dials the hub through a TCP relay in this process, so a test can
 * cut the WAN link while both servers keep running.
 */
export interface NatsHubAndLeaf {
  readonly hubUrl: string;
  readonly leafUrl: string;
  readonly hubDomain: string;
  readonly leafDomain: string;
  /** True while each side reaches the other's JetStream API (`$JS.<domain>.API`) over the leaf link. */
  linked(): Promise<boolean>;
  /** Drops the link (every connection through the relay, and the relay's port); the leaf keeps redialling. */
  cutLink(): Promise<void>;
  /** Opens the relay again; resolves once the leaf has rejoined (`linked()`). */
  restoreLink(): Promise<void>;
  /** Stops the hub process; its JetStream store stays. */
  stopHub(): Promise<void>;
  /** Starts the hub again on the same ports over the same store; resolves once the leaf has rejoined. */
  startHub(): Promise<void>;
  /** Stops both servers and deletes their stores. */
  stop(): Promise<void>;
}

const LINK_TIMEOUT_MS = 20_000;

/** A TCP relay from `listenPort` to `targetPort` on 127.0.0.1 that can be closed and reopened. */
class LinkRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly listenPort: number,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        // one side gone (hub stopped, relay closed): the whole connection goes, as a broken WAN link would
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function accountsConfig(): string {
  return `accounts {
  SYS { users: [{ user: sys, password: sys }] }
  HALL { jetstream: enabled, users: [{ user: admin, password: admin }] }
}
system_account: SYS
no_auth_user: admin
`;
}

/** True when a client of `url` gets an answer from the JetStream API of `domain`. */
async function reachesDomain(url: string, domain: string): Promise<boolean> {
  const nc = await connect({ servers: url, name: 'hub-leaf-probe', reconnect: false, timeout: 1000 });
  try {
    const jsm = await jetstreamManager(nc, { domain, timeout: 1000 });
    await jsm.getAccountInfo();
    return true;
  } catch {
    return false;
  } finally {
    await nc.close();
  }
}

/**
 * Starts a hub and a leaf node (see `NatsHubAndLeaf`) with their config files and stores in a temporary
 * folder, and resolves once JetStream answers across the link both ways. `nats-server` must be on the PATH.
 */
export async function startNatsHubAndLeaf(options: NatsHubAndLeafOptions = {}): Promise<NatsHubAndLeaf> {
  const hubDomain = options.hubDomain ?? 'hub';
  const leafDomain = options.leafDomain ?? 'leaf';
  const [hubPort, hubLeafPort, relayPort, leafPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const dir = await mkdtemp(join(tmpdir(), 'govhall-nats-hub-leaf-'));
  const hubConf = join(dir, 'hub.conf');
  const leafConf = join(dir, 'leaf.conf');
  await writeFile(
    hubConf,
    `server_name: test-hub
listen: 127.0.0.1:${hubPort}
jetstream { store_dir: "${join(dir, 'hub')}", domain: ${hubDomain} }
${accountsConfig()}
leafnodes {
  listen: 127.0.0.1:${hubLeafPort}
  authorization { users: [{ user: leaf, password: leaf, account: HALL }] }
}
`,
  );
  await writeFile(
    leafConf,
    `server_name: test-leaf
listen: 127.0.0.1:${leafPort}
jetstream { store_dir: "${join(dir, 'leaf')}", domain: ${leafDomain} }
${accountsConfig()}
leafnodes {
  remotes: [
    { url: "nats-leaf://leaf:leaf@127.0.0.1:${relayPort}", account: HALL, deny_exports: ["dlq.>"], deny_imports: ["dlq.>"] }
  ]
}
`,
  );

  const hubUrl = `nats://127.0.0.1:${hubPort}`;
  const leafUrl = `nats://127.0.0.1:${leafPort}`;
  const relay = new LinkRelay(relayPort, hubLeafPort);
  let hub: ChildProcess | undefined;
  let leaf: ChildProcess | undefined;
  const kill = async (proc: ChildProcess | undefined): Promise<void> => {
    if (!proc) return;
    proc.kill('SIGTERM');
    await exited(proc);
  };
  const linked = async (): Promise<boolean> =>
    (await reachesDomain(hubUrl, leafDomain).catch(() => false)) &&
    (await reachesDomain(leafUrl, hubDomain).catch(() => false));
  const waitForLink = (): Promise<void> =>
    waitFor(linked, { timeoutMs: LINK_TIMEOUT_MS, intervalMs: 100, what: 'the leaf to join the hub' });
  const stop = async (): Promise<void> => {
    await kill(leaf);
    leaf = undefined;
    await kill(hub);
    hub = undefined;
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    hub = await spawnNatsServer(['-c', hubConf]);
    await relay.open();
    leaf = await spawnNatsServer(['-c', leafConf]);
    await waitForLink();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    hubUrl,
    leafUrl,
    hubDomain,
    leafDomain,
    linked,
    cutLink: () => relay.close(),
    restoreLink: async () => {
      await relay.open();
      await waitForLink();
    },
    stopHub: async () => {
      await kill(hub);
      hub = undefined;
    },
    startHub: async () => {
      if (!hub) hub = await spawnNatsServer(['-c', hubConf]);
      await waitForLink();
    },
    stop,
  };
}
