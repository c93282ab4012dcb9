import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig, redactUrl } from './app-config';
import { scrubbingLogHooks } from './log-secrets';

describe('loadConfig', () => {
  const repoRoot = join(__dirname, '..', '..', '..');

  it('reads the checked-in defaults: port 3000, embedded store under ./data, synchronous FULL', () => {
    const config = loadConfig({}, repoRoot);
    expect(config.http.port).toBe(3000);
    expect(config.eventStore.adapter).toBe('embedded');
    expect(config.dataDir).toBe(join(repoRoot, 'data'));
    expect(config.eventStore.sqlite.file).toBe(join(repoRoot, 'data', 'events.db'));
    expect(config.eventStore.sqlite.synchronous).toBe('FULL');
  });

  it('trusts the development root by default, and the roots of LICENSING_TRUSTED_ROOTS when set', () => {
    expect(loadConfig({}, repoRoot).trust).toEqual({
      rootCertificateFiles: [join(repoRoot, 'config', 'dev-root.pem')],
      developmentRootOnly: true,
    });
    const rotated = loadConfig({ LICENSING_TRUSTED_ROOTS: '/etc/lic/root-2025.pem, /etc/lic/root-2026.pem' }, repoRoot);
    expect(rotated.trust).toEqual({
      rootCertificateFiles: ['/etc/lic/root-2025.pem', '/etc/lic/root-2026.pem'],
      developmentRootOnly: false,
    });
  });

  it('lets the environment override the files', () => {
    const config = loadConfig(
      { PORT: '8080', LICENSING_DATA_DIR: '/var/lib/lic', LICENSING_SQLITE_SYNCHRONOUS: 'normal' },
      repoRoot,
    );
    expect(config.http.port).toBe(8080);
    expect(config.eventStore.sqlite.file).toBe('/var/lib/lic/events.db');
    expect(config.eventStore.sqlite.synchronous).toBe('NORMAL');
  });

  it('runs the notice process managers in the API and checks license dates daily by default; both can be changed', () => {
    expect(loadConfig({}, repoRoot).processManagers).toEqual({
      runInApi: true,
      licenseDateCheckIntervalMs: 86_400_000,
    });
    const changed = loadConfig(
      { LICENSING_PROCESS_MANAGERS_IN_API: 'false', LICENSING_LICENSE_DATE_CHECK_INTERVAL_MS: '3600000' },
      repoRoot,
    );
    expect(changed.processManagers).toEqual({ runInApi: false, licenseDateCheckIntervalMs: 3_600_000 });
    expect(() => loadConfig({ LICENSING_LICENSE_DATE_CHECK_INTERVAL_MS: '10' }, repoRoot)).toThrow(
      /LICENSING_LICENSE_DATE_CHECK_INTERVAL_MS/,
    );
  });

  it('merges config/local.json over the defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    try {
      mkdirSync(join(dir, 'config'));
      const { metering } = JSON.parse(readFileSync(join(repoRoot, 'config', 'default.json'), 'utf8'));
      writeFileSync(
        join(dir, 'config', 'default.json'),
        JSON.stringify({
          http: { port: 3000, host: '::' },
          log: { level: 'info' },
          trust: { rootCertificateFiles: ['root.pem'] },
          metering,
        }),
      );
      writeFileSync(join(dir, 'config', 'local.json'), JSON.stringify({ http: { port: 4000 } }));
      const config = loadConfig({}, dir);
      expect(config.http).toEqual({ port: 4000, host: '::', baselineRoute: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the metering thresholds, and refuses a service without a formula or one that is not metered', () => {
    expect(loadConfig({}, repoRoot).metering.thresholds.storage).toEqual({ base: 10, perUser: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    try {
      mkdirSync(join(dir, 'config'));
      const thresholds = {
        storage: { base: 10, perUser: -1 },
        'mailing-emails': { base: 1, perUser: 1 },
        'fax-pages': { base: 1, perUser: 1 },
      };
      writeFileSync(
        join(dir, 'config', 'default.json'),
        JSON.stringify({ trust: { rootCertificateFiles: ['root.pem'] }, metering: { thresholds } }),
      );
      expect(() => loadConfig({}, dir)).toThrow(
        /fax-pages: not a metered service[\s\S]*thresholds\.storage must be[\s\S]*thresholds\.chat-sessions must be/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports every bad setting at once', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', LICENSING_SQLITE_SYNCHRONOUS: 'OFF' }, repoRoot);
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(3);
    }
  });

  describe('store selection', () => {
    it('defaults to the embedded stores, with the API projecting, and a 5 s connect timeout', () => {
      const config = loadConfig({}, repoRoot);
      expect(config.eventStore).toMatchObject({ adapter: 'embedded', kurrentdb: { url: null } });
      expect(config.readModels).toMatchObject({
        adapter: 'embedded',
        mongodb: { url: null, database: 'licensing', transactions: 'auto' },
      });
      expect(config.projections.runInApi).toBe(true);
      expect(config.connectTimeoutMs).toBe(5000);
      expect(config.projector.healthPort).toBe(3001);
    });

    it('selects KurrentDB and MongoDB with their connection strings; the API then leaves projecting to the projector', () => {
      const config = loadConfig(
        {
          LICENSING_EVENT_STORE: 'kurrentdb',
          KURRENTDB_URL: 'kurrentdb+discover://admin:changeit@cluster.dns:2113',
          LICENSING_READ_MODELS: 'mongodb',
          MONGODB_URL: 'mongodb://m1,m2,m3/?replicaSet=rs0',
          LICENSING_MONGODB_DATABASE: 'lic_prod',
          LICENSING_CONNECT_TIMEOUT_MS: '2000',
        },
        repoRoot,
      );
      expect(config.eventStore).toMatchObject({
        adapter: 'kurrentdb',
        kurrentdb: { url: 'kurrentdb+discover://admin:changeit@cluster.dns:2113' },
      });
      expect(config.readModels).toMatchObject({
        adapter: 'mongodb',
        mongodb: { url: 'mongodb://m1,m2,m3/?replicaSet=rs0', database: 'lic_prod' },
      });
      expect(config.projections.runInApi).toBe(false);
      expect(config.connectTimeoutMs).toBe(2000);
    });

    it('lets LICENSING_PROJECTIONS_IN_API override the default either way', () => {
      const mongo = { LICENSING_READ_MODELS: 'mongodb', MONGODB_URL: 'mongodb://localhost/?replicaSet=rs0' };
      expect(loadConfig({ ...mongo, LICENSING_PROJECTIONS_IN_API: 'true' }, repoRoot).projections.runInApi).toBe(true);
      expect(loadConfig({ LICENSING_PROJECTIONS_IN_API: 'false' }, repoRoot).projections.runInApi).toBe(false);
    });

    it('applies projection batches on a worker thread by default; LICENSING_PROJECTION_THREAD=false keeps them in-thread', () => {
      expect(loadConfig({}, repoRoot).projections.thread).toBe(true);
      expect(loadConfig({ LICENSING_PROJECTION_THREAD: 'false' }, repoRoot).projections.thread).toBe(false);
      expect(() => loadConfig({ LICENSING_PROJECTION_THREAD: 'off' }, repoRoot)).toThrow(
        /LICENSING_PROJECTION_THREAD.*true or false/,
      );
    });

    it('refuses a selected server without its URL, a URL of the wrong kind, and a flag that is not true or false', () => {
      const problems = (env: NodeJS.ProcessEnv) => {
        try {
          loadConfig(env, repoRoot);
          return [];
        } catch (error) {
          return (error as ConfigError).problems;
        }
      };
      expect(problems({ LICENSING_EVENT_STORE: 'kurrentdb' })).toEqual([
        expect.stringMatching(/LICENSING_EVENT_STORE=kurrentdb needs KURRENTDB_URL/),
      ]);
      expect(problems({ LICENSING_READ_MODELS: 'mongodb' })).toEqual([
        expect.stringMatching(/LICENSING_READ_MODELS=mongodb needs MONGODB_URL/),
      ]);
      expect(problems({ LICENSING_EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'http://u:secret@host:2113' })).toEqual([
        expect.stringMatching(/KURRENTDB_URL must be a KurrentDB connection string.*'http:\/\/u:\*\*\*@host:2113'/),
      ]);
      expect(problems({ LICENSING_READ_MODELS: 'mongodb', MONGODB_URL: 'localhost:27017' })).toEqual([
        expect.stringMatching(/MONGODB_URL must be/),
      ]);
      expect(problems({ LICENSING_EVENT_STORE: 'postgres' })).toEqual([
        expect.stringMatching(/must be one of embedded, kurrentdb/),
      ]);
      expect(problems({ LICENSING_PROJECTIONS_IN_API: 'yes' })).toEqual([
        expect.stringMatching(/LICENSING_PROJECTIONS_IN_API.*true or false/),
      ]);
    });
  });
});

/** Issue 13, item 10: masks that hold for any password, and a log that never shows one. */
describe('secrets in messages and logs', () => {
  it('masks a password that holds @ up to its last @', () => {
    expect(redactUrl('mongodb://app:p@ss@w0rd@m1:27017,m2:27017/?replicaSet=rs0')).toBe(
      'mongodb://app:***@m1:27017,m2:27017/?replicaSet=rs0',
    );
    expect(redactUrl('kurrentdb://admin:changeit@node1:2113?tls=false')).toBe(
      'kurrentdb://admin:***@node1:2113?tls=false',
    );
    expect(redactUrl('mongodb://m1:27017/?replicaSet=rs0')).toBe('mongodb://m1:27017/?replicaSet=rs0');
  });

  it('scrubs the configured passwords from every line the logger writes, raw, URL-encoded or JSON-escaped', () => {
    const config = loadConfig({
      LICENSING_EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: 'kurrentdb://admin:ch"ange@it@kdb:2113?tls=false',
      LICENSING_READ_MODELS: 'mongodb',
      MONGODB_URL: 'mongodb://app:m%40ngo@m1/?replicaSet=rs0',
    });
    const lines: string[] = [];
    const logger = pino(
      { level: 'info', ...scrubbingLogHooks(config) },
      { write: (line: string) => void lines.push(line) },
    );
    const clientError = new Error('connect failed for kurrentdb://admin:ch"ange@it@kdb:2113?tls=false', {
      cause: new Error('mongodb://app:m@ngo@m1 m%40ngo'),
    });
    logger.error({ err: clientError }, 'store failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/ch\\?"ange|m@ngo|m%40ngo/);
    expect(JSON.parse(lines[0]).err.message).toContain('connect failed for kurrentdb://admin:***@kdb:2113?tls=false');
  });
});
