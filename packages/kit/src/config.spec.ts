import { ConfigError, baseServiceEnv, loadConfig } from './config';

describe('loadConfig', () => {
  it('reports every bad variable together', () => {
    let caught: unknown;
    try {
      loadConfig(baseServiceEnv, { REGION_CODE: '37', DATABASE_URL: 'mysql://x', GRPC_PORT: '70000' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/REGION_CODE/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/GRPC_PORT/);
    expect(problems).toMatch(/NATS_URL/);
  });

  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(baseServiceEnv, {
      REGION_CODE: '370700',
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
      NATS_URL: 'nats://127.0.0.1:4222',
      GRPC_PORT: '50051',
      AUTH_TRUSTED_KEYS_FILE: '/etc/govhall/auth/trusted-keys.json',
    });
    expect(config.GRPC_PORT).toBe(50051);
    expect(config.HTTP_PORT).toBe(9464);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.OUTBOX_LEASE_MS).toBe(3_000);
    expect(config.IDEMPOTENCY_RETENTION_HOURS).toBe(7 * 24);
  });
});
