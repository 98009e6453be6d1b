/**
 * The port every SMS provider adapter implements (Aliyun, Tencent Cloud, the embedded start's outbox file).
 * The dispatcher chooses the provider of each attempt (failover) and classifies nothing itself: an adapter
 * maps its provider's answer to one of the outcomes below.
 */

export type ProviderName = 'aliyun' | 'tencent' | 'file';

/** One approved message to one mainland mobile. */
export interface SmsMessage {
  /**
   * Ours, the same on every attempt of one dispatch (its id): Aliyun's `OutId`, Tencent's `SessionContext`, the
   * file provider's dedupe key. The providers echo it in delivery receipts; neither dedupes on it (docs/services/notify.md).
   */
  readonly idempotencyKey: string;
  /** 11 digits, e.g. 13812345678; never logged. */
  readonly phone: string;
  /** The approved signature (签名), e.g. 某市政务服务中心. */
  readonly signName: string;
  /** The provider's id of the approved template (Aliyun `SMS_123456789`, Tencent `1234567`). */
  readonly providerTemplateId: string;
  /**
   * The variables in the template's order: Aliyun sends them by name (`TemplateParam` JSON of `${name}`),
   * Tencent by position (`TemplateParamSet`, `{1}`..`{n}`).
   */
  readonly variables: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** The message as the recipient reads it, signature included (the file provider writes it). */
  readonly text: string;
}

/** What one attempt came to. */
export type SendOutcome =
  /** The provider took it; its id comes back in the delivery receipt. */
  | { readonly kind: 'accepted'; readonly providerMessageId: string }
  /** A rate limit (per number, per content, per account): try again after `retryAfterMs`, on either provider. */
  | { readonly kind: 'throttled'; readonly code: string; readonly message: string; readonly retryAfterMs: number }
  /** 5xx, timeout, network, the provider's internal error: try again with backoff, the other provider first. */
  | { readonly kind: 'transient'; readonly code: string; readonly message: string }
  /**
   * This provider will not send it but another may: template or signature not approved there, no balance,
   * credentials refused, a disabled account.
   */
  | { readonly kind: 'provider_refused'; readonly code: string; readonly message: string }
  /** No provider will deliver it: the number is invalid, empty or a landline. A dead letter at once. */
  | { readonly kind: 'invalid_recipient'; readonly code: string; readonly message: string };

/** A provider's report of what became of a message (回执). */
export interface DeliveryReceipt {
  readonly provider: ProviderName;
  /** Aliyun `biz_id`, Tencent `sid`. */
  readonly providerMessageId: string;
  /** Our `idempotencyKey` where the provider echoes it (Aliyun `out_id`; Tencent's pull answers carry none). */
  readonly idempotencyKey?: string;
  readonly delivered: boolean;
  /** The provider's code, e.g. DELIVERED / SUCCESS, or its error code. */
  readonly code: string;
  readonly description: string;
  /** When the handset received it (or the failure was reported). */
  readonly reportedAt: Date;
}

export interface SmsProvider {
  readonly name: ProviderName;
  /** Never throws for an answer of the provider; a thrown error counts as `transient`. */
  send(message: SmsMessage): Promise<SendOutcome>;
  /**
   * Parses a receipt push (Aliyun's HTTP batch push, Tencent's callback) as the provider posts it; throws a
   * `ValidationError` (kit) for a body that is not one.
   */
  parseReceipts(body: unknown): DeliveryReceipt[];
}
