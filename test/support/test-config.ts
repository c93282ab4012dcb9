import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '@app/config';
import { testKeyEnv } from './test-credentials';

/**
 * The checked-in configuration, with the embedded store in a fresh temporary directory and the test keys
 * configured (`test-credentials.ts`); spread `NO_CREDENTIALS` into the overrides for a suite that runs open.
 */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): AppConfig {
  const dataDir = mkdtempSync(join(tmpdir(), 'licensing-test-'));
  return loadConfig(
    { LICENSING_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...testKeyEnv(), ...overrides },
    join(__dirname, '..', '..'),
  );
}
