/**
 * The embedded start's SMS "provider": every accepted message becomes one JSON line of an outbox file that the
 * people running the demo read (`tail -f`), instead of a real SMS.
 *
 * Line: `{ id, at, key, phone, sign, template, text }`, `phone` masked (`138****5678`) and any mobile or ID
 * number in `text` masked too (maskPersonalData), because the file is for reading and full numbers never reach
 * it. Unlike the real providers it dedupes on `idempotencyKey`: the keys of the file are read once, at the first
 * send, and a key already written answers "accepted" with its first id and writes nothing.
 */
import { mkdir, readFile, appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { maskMobile, maskPersonalData, systemClock, ValidationError, type Clock } from '@govhall/kit';
import type { DeliveryReceipt, SendOutcome, SmsMessage, SmsProvider } from '../../app/sms-provider';

export interface FileSmsOptions {
  /** The outbox file, e.g. `<data>/sms-outbox.jsonl`; its folder is created. */
  readonly path: string;
  readonly clock?: Clock;
}

/** One line of the outbox file. */
export interface FileSmsLine {
  /** `file-<n>`, n counting the file's lines from 1. */
  readonly id: string;
  /** ISO instant the message was written. */
  readonly at: string;
  readonly key: string;
  /** Masked: `138****5678`. */
  readonly phone: string;
  readonly sign: string;
  readonly template: string;
  readonly text: string;
}

export class FileSmsProvider implements SmsProvider {
  readonly name = 'file' as const;
  private readonly path: string;
  private readonly clock: Clock;
  /** key → id of every line of the file; loaded at the first send. */
  private ids: Map<string, string> | undefined;
  private lines = 0;
  /** Sends one at a time, so two attempts with one key cannot both miss the set and both write. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: FileSmsOptions) {
    this.path = options.path;
    this.clock = options.clock ?? systemClock;
  }

  send(message: SmsMessage): Promise<SendOutcome> {
    const next = this.tail
      .then(() => this.write(message))
      .catch((error: unknown): SendOutcome => ({
        kind: 'transient',
        code: (error as NodeJS.ErrnoException).code ?? 'FileError',
        message: error instanceof Error ? error.message : String(error),
      }));
    this.tail = next;
    return next;
  }

  private async write(message: SmsMessage): Promise<SendOutcome> {
    const ids = await this.load();
    const known = ids.get(message.idempotencyKey);
    if (known) return { kind: 'accepted', providerMessageId: known };
    const line: FileSmsLine = {
      id: `file-${this.lines + 1}`,
      at: this.clock.now().toISOString(),
      key: message.idempotencyKey,
      phone: maskMobile(message.phone),
      sign: message.signName,
      template: message.providerTemplateId,
      text: maskPersonalData(message.text),
    };
    await appendFile(this.path, `${JSON.stringify(line)}\n`, 'utf8');
    this.lines += 1;
    ids.set(line.key, line.id);
    return { kind: 'accepted', providerMessageId: line.id };
  }

  private async load(): Promise<Map<string, string>> {
    if (this.ids) return this.ids;
    await mkdir(dirname(this.path), { recursive: true });
    let content = '';
    try {
      content = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const ids = new Map<string, string>();
    let lines = 0;
    for (const raw of content.split('\n')) {
      if (raw.trim() === '') continue;
      lines += 1;
      const entry = parseLine(raw);
      // A line someone edited into something else keeps its place in the count and dedupes nothing.
      if (entry && !ids.has(entry.key)) ids.set(entry.key, entry.id ?? `file-${lines}`);
      const n = entry?.id ? /^file-(\d+)$/.exec(entry.id)?.[1] : undefined;
      if (n !== undefined) lines = Math.max(lines, Number(n));
    }
    this.lines = lines;
    this.ids = ids;
    return ids;
  }

  /** The file provider has no delivery receipts; nothing should post any. */
  parseReceipts(_body: unknown): DeliveryReceipt[] {
    throw ValidationError.single('provider', 'the file provider has no delivery receipts');
  }
}

function parseLine(raw: string): { key: string; id?: string } | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const { key, id } = value as { key?: unknown; id?: unknown };
    if (typeof key !== 'string' || key === '') return undefined;
    return typeof id === 'string' && id !== '' ? { key, id } : { key };
  } catch {
    return undefined;
  }
}
