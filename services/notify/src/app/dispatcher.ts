/**
 * Sends what is due, one attempt per message per claim. A claim takes due messages `FOR UPDATE SKIP LOCKED` and
 * leases them to this process; the attempt runs outside any transaction (contact, provider); its outcome is
 * recorded in one transaction with its event. A process killed between the provider's acceptance and that record
 * leaves the message `sending`: once the lease runs out another claim sends it again with the same idempotency key
 * (the dispatch id), and a receipt arriving meanwhile settles it (docs/services/notify.md says what each provider
 * guarantees).
 */
import { ValidationError, type Clock, type Logger } from '@govhall/kit';
import { afterAttempt, type Dispatch, type RetrySettings } from '../domain/dispatch';
import { chooseProvider, nextAllowed, quietUntil, type AttemptOutcomeKind, type NumberLimits } from '../domain/policy';
import { APPROVING_PROVIDERS, render, type ApprovingProvider, type Template } from '../domain/templates';
import type { AttemptResult, Contacts, NotifyStore } from './ports';
import type { HallSettingsBook } from './settings';
import type { ProviderName, SendOutcome, SmsProvider } from './sms-provider';

const DAY_MS = 86_400_000;

export interface DispatcherOptions {
  readonly store: NotifyStore;
  readonly contacts: Contacts;
  readonly settings: HallSettingsBook;
  /** In failover order. */
  readonly providers: readonly SmsProvider[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limits: { readonly applicant: NumberLimits; readonly staff: NumberLimits };
  readonly retry: RetrySettings;
  readonly leaseMs: number;
  readonly batchSize: number;
  /** The signature the file provider writes (real providers use the template's approved one). */
  readonly defaultSignName: string;
  readonly onAttempt?: (provider: string, template: string, outcome: AttemptOutcomeKind, seconds: number) => void;
}

export class Dispatcher {
  private readonly byName: ReadonlyMap<ProviderName, SmsProvider>;
  private readonly templateCache = new Map<string, Template>();

  constructor(private readonly o: DispatcherOptions) {
    this.byName = new Map(o.providers.map((p) => [p.name, p]));
  }

  /** One claim and its attempts; answers how many messages were taken. */
  async sendDue(): Promise<number> {
    const claimed = await this.o.store.claimDue(this.o.clock.now(), this.o.batchSize, this.o.leaseMs);
    await Promise.all(claimed.map((d) => this.attempt(d)));
    return claimed.length;
  }

  private async template(code: string, version: number): Promise<Template | undefined> {
    const key = `${code}@${version}`;
    const cached = this.templateCache.get(key);
    if (cached) return cached;
    const template = await this.o.store.template(code, version);
    if (template) this.templateCache.set(key, template);
    return template;
  }

  private async attempt(d: Dispatch): Promise<void> {
    try {
      await this.tryOnce(d);
    } catch (error) {
      // The store or a directory failed: the lease runs out and another claim tries again.
      this.o.logger.warn({ err: error, dispatchId: d.id }, 'dispatch attempt failed before its outcome was recorded');
    }
  }

  private async tryOnce(d: Dispatch): Promise<void> {
    const now = this.o.clock.now();
    const template = await this.template(d.templateCode, d.templateVersion);
    if (!template)
      return this.finish(
        d,
        '',
        'not_sendable',
        'template_missing',
        `template ${d.templateCode} v${d.templateVersion} is gone`,
        '',
        '',
      );

    if (template.holdInQuietHours && !d.urgent) {
      const settings = await this.o.settings.of(d.hallId);
      const until = quietUntil(now, settings.quietHoursStart, settings.quietHoursEnd);
      if (until) return this.o.store.hold(d.id, until, 'quiet_hours');
    }

    let contact;
    try {
      contact = await this.o.contacts.contactOf(d.recipient);
    } catch (error) {
      return this.finish(d, '', 'transient', 'contact_unavailable', (error as Error).message, '', '');
    }
    if (!contact?.mobile)
      return this.finish(
        d,
        '',
        'not_sendable',
        'no_mobile',
        contact ? 'the number on file is not a mobile' : 'no phone on file',
        contact?.phoneMasked ?? '',
        '',
      );

    const limits = d.recipient.kind === 'staff' ? this.o.limits.staff : this.o.limits.applicant;
    const sent = await this.o.store.sentTimes(d.recipient, new Date(now.getTime() - DAY_MS));
    const allowed = nextAllowed(now, sent, limits);
    if (allowed.getTime() > now.getTime()) return this.o.store.hold(d.id, allowed, 'number_limit', contact.phoneMasked);

    const history = (await this.o.store.dispatch(d.id))?.history.filter((a) => a.round === d.round) ?? [];
    const provider = chooseProvider(
      this.o.providers.map((p) => p.name),
      history,
      (name) => name === 'file' || template.providers.some((p) => p.provider === name),
    );
    if (!provider)
      return this.finish(
        d,
        '',
        'not_sendable',
        'no_provider',
        noProviderReason(template, this.o.providers),
        contact.phoneMasked,
        '',
      );
    const approved = template.providers.find((p) => p.provider === provider);

    let rendered;
    try {
      rendered = render(template, d.variables, approved?.signName ?? this.o.defaultSignName);
    } catch (error) {
      const message = error instanceof ValidationError ? error.message : String(error);
      return this.finish(d, '', 'not_sendable', 'missing_variable', message, contact.phoneMasked, '');
    }

    const started = process.hrtime.bigint();
    let outcome: SendOutcome;
    try {
      outcome = await this.byName.get(provider)!.send({
        idempotencyKey: d.id,
        phone: contact.mobile,
        signName: approved?.signName ?? this.o.defaultSignName,
        providerTemplateId: approved?.templateId ?? template.code,
        variables: rendered.variables,
        text: rendered.text,
      });
    } catch (error) {
      outcome = { kind: 'transient', code: 'adapter_error', message: (error as Error).message };
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.o.onAttempt?.(provider, d.templateCode, outcome.kind, seconds);
    const code = outcome.kind === 'accepted' ? 'OK' : outcome.code;
    const message = outcome.kind === 'accepted' ? '' : outcome.message;
    const refusedElsewhere = new Set(history.filter((a) => a.outcome === 'provider_refused').map((a) => a.provider));
    if (outcome.kind === 'provider_refused') refusedElsewhere.add(provider);
    const anotherLeft = this.o.providers.some(
      (p) =>
        !refusedElsewhere.has(p.name) && (p.name === 'file' || template.providers.some((t) => t.provider === p.name)),
    );
    const next = afterAttempt(this.o.clock.now(), d.attempts + 1, outcome, this.o.retry, anotherLeft);
    await this.record(d, provider, outcome.kind, code, message, contact.phoneMasked, rendered.text, next);
  }

  /** An attempt that reached no provider, or failed before it. */
  private async finish(
    d: Dispatch,
    provider: string,
    outcome: 'not_sendable' | 'transient',
    code: string,
    message: string,
    phoneMasked: string,
    text: string,
  ): Promise<void> {
    this.o.onAttempt?.(provider || 'none', d.templateCode, outcome, 0);
    const next = afterAttempt(this.o.clock.now(), d.attempts + 1, { kind: outcome, code }, this.o.retry, true);
    await this.record(d, provider, outcome, code, message, phoneMasked, text, next);
  }

  private async record(
    d: Dispatch,
    provider: string,
    outcome: AttemptOutcomeKind,
    code: string,
    message: string,
    phoneMasked: string,
    text: string,
    next: ReturnType<typeof afterAttempt>,
  ): Promise<void> {
    const result: AttemptResult = {
      attempt: { number: d.attempts + 1, round: d.round, provider, outcome, code, message, at: this.o.clock.now() },
      phoneMasked,
      text,
      next,
    };
    const saved = await this.o.store.recordAttempt(d.id, result);
    if (saved.status === 'dead')
      this.o.logger.warn(
        { dispatchId: d.id, template: d.templateCode, phone: phoneMasked, reason: saved.lastError },
        'SMS dead letter',
      );
  }
}

function noProviderReason(template: Template, providers: readonly SmsProvider[]): string {
  const names = providers
    .map((p) => p.name)
    .filter((n): n is ApprovingProvider => APPROVING_PROVIDERS.includes(n as ApprovingProvider));
  return `template ${template.code} v${template.version} is approved at none of the providers configured (${names.join(', ') || 'none'}), or each refused it`;
}
