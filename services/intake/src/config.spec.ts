import { ConfigError } from '@govhall/kit';
import { loadIntakeConfig } from './config';

const ENV = {
  REGION_CODE: '370700',
  DATABASE_URL: 'postgres://intake@localhost/govhall',
  NATS_URL: 'nats://localhost:4222',
  AUTH_TRUSTED_KEYS_FILE: '/etc/govhall/auth/trusted-keys.json',
  PERSONAL_DATA_KEY_FILE: '/etc/govhall/intake/personal-data.key',
  CATALOGUE_ADDRESS: 'catalogue:50051',
};

describe('intake config', () => {
  it('defaults the case number to region, date and a 5-digit sequence', () => {
    expect(loadIntakeConfig(ENV).CASE_NUMBER_FORMAT).toBe('{region}{date:YYYYMMDD}{seq:5}');
  });

  it('refuses a case number format it cannot number cases with, at start-up rather than at the first Accept', () => {
    for (const format of ['{region}{seq:5}', '{region}{date:YYYYMMDD}', '{hall}{date:YYYYMMDD}{seq:5}', '{x}']) {
      expect(() => loadIntakeConfig({ ...ENV, CASE_NUMBER_FORMAT: format })).toThrow(ConfigError);
    }
    expect(() => loadIntakeConfig({ ...ENV, CASE_NUMBER_FORMAT: '{region}{date:YYYYMMDD}{seq:5}' })).not.toThrow();
    expect(() => loadIntakeConfig({ ...ENV, CASE_NUMBER_FORMAT: 'SL{dept}{date:YYMMDD}{seq:4}' })).not.toThrow();
  });

  it('names every missing variable at once', () => {
    try {
      loadIntakeConfig({ REGION_CODE: '370700' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).toMatch(
        /CATALOGUE_ADDRESS[\s\S]*PERSONAL_DATA_KEY_FILE|PERSONAL_DATA_KEY_FILE[\s\S]*CATALOGUE_ADDRESS/,
      );
    }
  });
});
