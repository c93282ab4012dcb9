import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '@app/config';

/** The checked-in configuration, with the embedded store in a fresh temporary directory. */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): AppConfig {
  const dataDir = mkdtempSync(join(tmpdir(), 'licensing-test-'));
  return loadConfig({ LICENSING_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...overrides }, join(__dirname, '..', '..'));
}
