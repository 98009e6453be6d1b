import { createServer, connect, type Socket } from 'node:net';

/**
 * A TCP proxy on the loopback interface in front of a server (here: nats-server), to make one client's link
 * hang or break without touching the server other clients use.
 */
export interface StallableProxy {
  readonly port: number;
  /** Stops forwarding what the current clients send (answers still flow); what they send waits unread. */
  stall(): void;
  /** Drops every current connection with whatever it sent that was not forwarded; new ones pass freely. */
  cut(): void;
  close(): Promise<void>;
}

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
}

export async function startStallableProxy(targetPort: number): Promise<StallableProxy> {
  const links = new Set<Link>();
  const drop = (link: Link): void => {
    links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  };
  const server = createServer((client) => {
    const link = { client, upstream: connect(targetPort, '127.0.0.1') };
    links.add(link);
    for (const socket of [link.client, link.upstream]) {
      socket.on('error', () => drop(link)).on('close', () => drop(link));
    }
    link.client.pipe(link.upstream);
    link.upstream.pipe(link.client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the proxy got no port');
  return {
    port: address.port,
    stall: () => {
      for (const link of links) {
        link.client.unpipe(link.upstream);
        link.client.pause();
      }
    },
    cut: () => [...links].forEach(drop),
    close: async () => {
      [...links].forEach(drop);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
