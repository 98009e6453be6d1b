import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly msgId: string | undefined;
  readonly json: unknown;
}

/**
 * Every message stored in a stream, read straight from the server (no consumer), to assert on what was
 * really published: counts, ids, order. An absent stream reads as empty.
 */
export async function readStream(natsUrl: string, stream: string): Promise<StoredMessage[]> {
  const nc = await connect({ servers: natsUrl, name: 'test-reader' });
  try {
    const jsm = await jetstreamManager(nc);
    let info;
    try {
      info = await jsm.streams.info(stream);
    } catch {
      return [];
    }
    const out: StoredMessage[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!message) continue;
      out.push({
        seq: message.seq,
        subject: message.subject,
        msgId: message.header?.get('Nats-Msg-Id') || undefined,
        json: message.json<unknown>(),
      });
    }
    return out;
  } finally {
    await nc.close();
  }
}
