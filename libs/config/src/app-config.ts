import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { MeteringThresholds } from '@app/domain';
import { AccessConfig, readAccessConfig } from './access-config';
import { ConfigError } from './config-error';
import { deepMerge, flag, integer, nonEmpty, oneOf, readJson } from './config-values';
import { readMeteringThresholds } from './metering-config';
import { redactUrl } from './startup-messages';

// Split out by responsibility; importable from here as they always were.
export { ConfigError } from './config-error';
export { describeStores, redactUrl, startupFailure } from './startup-messages';

export type EventStoreAdapter = 'embedded' | 'kurrentdb';
export type ReadModelsAdapter = 'embedded' | 'mongodb';
/** `auto`: one transaction per batch when the deployment supports them (replica set, sharded); `off`: never. */
export type MongoTransactions = 'auto' | 'off';
export type SqliteSynchronous = 'NORMAL' | 'FULL' | 'EXTRA';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  /** `baselineRoute`: mounts POST /baseline/noop, the do-nothing route the HTTP benchmarks compare with. */
  http: { port: number; host: string; baselineRoute: boolean };
  /** Absolute directory of the embedded store files. */
  dataDir: string;
  log: { level: LogLevel };
  eventStore: {
    adapter: EventStoreAdapter;
    /**
     * `synchronous`: FULL (default) answers an append once the WAL is fdatasynced, off the event loop (see
     * SqliteEventStore); NORMAL survives a killed process, not a power cut; EXTRA lets SQLite sync in each commit.
     */
    sqlite: { file: string; synchronous: SqliteSynchronous; pollIntervalMs: number };
    /** Connection string, set when the adapter is `kurrentdb`. */
    kurrentdb: { url: string | null };
  };
  readModels: {
    adapter: ReadModelsAdapter;
    sqlite: { file: string };
    /** Set when the adapter is `mongodb`. */
    mongodb: { url: string | null; database: string; transactions: MongoTransactions };
  };
  /** How long a selected server may take to answer at start before the process gives up with a clear error. */
  connectTimeoutMs: number;
  projections: {
    /** The API runs the projections in its own process: by default only with embedded read models. */
    runInApi: boolean;
    /** How long a query with ?minPosition= waits for the read model before answering 503. */
    minPositionTimeoutMs: number;
    batchSize: number;
    /** How long a live batch may wait for more events, so that one read-model transaction carries several commits. */
    groupWithinMs: number;
    /**
     * The engine applies and commits its batches on a worker thread with connections of its own, off the event loop
     * that serves requests. Only with embedded (SQLite file) events and read models; elsewhere it is ignored.
     */
    thread: boolean;
  };
  processManagers: {
    /** The embedded default: the API raises the backend's notices itself (else a projector process does). */
    runInApi: boolean;
    /** How often the admin-warning and grace dates are checked; the first check runs at start. */
    licenseDateCheckIntervalMs: number;
  };
  projector: {
    /** Port of the projector process's /health endpoint (0: any free port). */
    healthPort: number;
    healthHost: string;
  };
  trust: {
    /** Absolute paths of the PEM root certificates that owner certificates must chain to. */
    rootCertificateFiles: string[];
    /** True while only the checked-in development root is trusted: fine locally, never in production. */
    developmentRootOnly: boolean;
  };
  metering: { thresholds: MeteringThresholds };
  commands: {
    /** The command runners' memory budget for cached stream states (LICENSING_CACHE_MB), in bytes, per runner. */
    cacheBytes: number;
    /** How many recent commands per stream a retry is answered from (LICENSING_IDEMPOTENCY_WINDOW). */
    idempotencyWindow: number;
    /** Snapshots of long streams beside the events (LICENSING_SNAPSHOTS; the embedded store only). */
    snapshots: boolean;
  };
  /** Who may call: API keys (only their hashes) and token settings; none configured means open (development). */
  access: AccessConfig;
}

/**
 * The configuration: `config/default.json`, then `config/local.json` if present (not checked in), then the
 * environment. `LICENSING_CONFIG_DIR` points elsewhere than `./config`. Every problem is reported at once.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- the merged JSON files are `any`; each value is checked (integer, nonEmpty, …) as it is read */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const configDir = resolve(cwd, env.LICENSING_CONFIG_DIR ?? 'config');
  const defaults = readJson(join(configDir, 'default.json'));
  const local = existsSync(join(configDir, 'local.json')) ? readJson(join(configDir, 'local.json')) : {};
  const file = deepMerge(defaults, local) as Record<string, any>;
  const problems: string[] = [];

  const port = integer(env.PORT ?? file.http?.port, 'PORT / http.port', problems, 0, 65535);
  const host = String(env.HOST ?? file.http?.host ?? '0.0.0.0');
  const dataDir = String(env.LICENSING_DATA_DIR ?? file.dataDir ?? './data');
  const level = oneOf(env.LOG_LEVEL ?? file.log?.level ?? 'info', LOG_LEVELS, 'LOG_LEVEL / log.level', problems);
  const adapter = oneOf(
    env.LICENSING_EVENT_STORE ?? file.eventStore?.adapter ?? 'embedded',
    ['embedded', 'kurrentdb'] as const,
    'LICENSING_EVENT_STORE / eventStore.adapter',
    problems,
  );
  const kurrentUrl = nonEmpty(env.KURRENTDB_URL ?? file.eventStore?.kurrentdb?.url);
  if (adapter === 'kurrentdb' && kurrentUrl === null) {
    problems.push('LICENSING_EVENT_STORE=kurrentdb needs KURRENTDB_URL, e.g. kurrentdb://localhost:2113?tls=false');
  } else if (adapter === 'kurrentdb' && !/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\//.test(kurrentUrl!)) {
    problems.push(
      `KURRENTDB_URL must be a KurrentDB connection string (kurrentdb://… or kurrentdb+discover://…), got '${redactUrl(kurrentUrl!)}'`,
    );
  }
  const sqlite = file.eventStore?.sqlite ?? {};
  const synchronous = oneOf(
    (env.LICENSING_SQLITE_SYNCHRONOUS ?? sqlite.synchronous ?? 'FULL').toUpperCase(),
    ['NORMAL', 'FULL', 'EXTRA'] as const,
    'LICENSING_SQLITE_SYNCHRONOUS / eventStore.sqlite.synchronous (OFF is never allowed: it can lose acknowledged appends)',
    problems,
  );
  const pollIntervalMs = integer(
    sqlite.pollIntervalMs ?? 200,
    'eventStore.sqlite.pollIntervalMs',
    problems,
    10,
    60_000,
  );

  const readModelFile = String(file.readModels?.sqlite?.file ?? 'read-models.db');
  const readModelsAdapter = oneOf(
    env.LICENSING_READ_MODELS ?? file.readModels?.adapter ?? 'embedded',
    ['embedded', 'mongodb'] as const,
    'LICENSING_READ_MODELS / readModels.adapter',
    problems,
  );
  const mongo = file.readModels?.mongodb ?? {};
  const mongoUrl = nonEmpty(env.MONGODB_URL ?? mongo.url);
  if (readModelsAdapter === 'mongodb' && mongoUrl === null) {
    problems.push('LICENSING_READ_MODELS=mongodb needs MONGODB_URL, e.g. mongodb://localhost:27017/?replicaSet=rs0');
  } else if (readModelsAdapter === 'mongodb' && !/^mongodb(\+srv)?:\/\//.test(mongoUrl!)) {
    problems.push(
      `MONGODB_URL must be a MongoDB connection string (mongodb://… or mongodb+srv://…), got '${redactUrl(mongoUrl!)}'`,
    );
  }
  const mongoDatabase = String(env.LICENSING_MONGODB_DATABASE ?? mongo.database ?? 'licensing');
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(mongoDatabase))
    problems.push(
      `LICENSING_MONGODB_DATABASE / readModels.mongodb.database must be 1–63 letters, digits, _ or -, got '${mongoDatabase}'`,
    );
  const transactions = oneOf(
    env.LICENSING_MONGODB_TRANSACTIONS ?? mongo.transactions ?? 'auto',
    ['auto', 'off'] as const,
    'LICENSING_MONGODB_TRANSACTIONS / readModels.mongodb.transactions',
    problems,
  );
  const connectTimeoutMs = integer(
    env.LICENSING_CONNECT_TIMEOUT_MS ?? file.connectTimeoutMs ?? 5000,
    'LICENSING_CONNECT_TIMEOUT_MS / connectTimeoutMs',
    problems,
    100,
    120_000,
  );
  const projections = file.projections ?? {};
  // Embedded read models live in a file beside the API, so the API projects; with MongoDB a projector process does.
  const runInApiDefault = projections.runInApi ?? readModelsAdapter === 'embedded';
  const runInApi = flag(
    env.LICENSING_PROJECTIONS_IN_API ?? runInApiDefault,
    'LICENSING_PROJECTIONS_IN_API / projections.runInApi',
    problems,
  );
  const projector = file.projector ?? {};
  const healthPort = integer(
    env.LICENSING_PROJECTOR_HEALTH_PORT ?? projector.healthPort ?? 3001,
    'LICENSING_PROJECTOR_HEALTH_PORT / projector.healthPort',
    problems,
    0,
    65535,
  );
  const healthHost = String(env.LICENSING_PROJECTOR_HEALTH_HOST ?? projector.healthHost ?? host);
  const minPositionTimeoutMs = integer(
    env.LICENSING_MIN_POSITION_TIMEOUT_MS ?? projections.minPositionTimeoutMs ?? 5000,
    'LICENSING_MIN_POSITION_TIMEOUT_MS / projections.minPositionTimeoutMs',
    problems,
    0,
    60_000,
  );
  const batchSize = integer(
    env.LICENSING_PROJECTION_BATCH_SIZE ?? projections.batchSize ?? 500,
    'LICENSING_PROJECTION_BATCH_SIZE / projections.batchSize',
    problems,
    1,
    10_000,
  );
  const groupWithinMs = integer(
    env.LICENSING_PROJECTION_GROUP_MS ?? projections.groupWithinMs ?? 10,
    'LICENSING_PROJECTION_GROUP_MS / projections.groupWithinMs',
    problems,
    0,
    1000,
  );
  const processManagers = file.processManagers ?? {};
  const projectionThread = flag(
    env.LICENSING_PROJECTION_THREAD ?? projections.thread ?? true,
    'LICENSING_PROJECTION_THREAD / projections.thread',
    problems,
  );
  // The backend's notices run where the projections run, unless told otherwise.
  const processManagersInApi =
    (env.LICENSING_PROCESS_MANAGERS_IN_API ?? String(processManagers.runInApi ?? runInApi)) !== 'false';
  const licenseDateCheckIntervalMs = integer(
    env.LICENSING_LICENSE_DATE_CHECK_INTERVAL_MS ?? processManagers.licenseDateCheckIntervalMs ?? 86_400_000,
    'LICENSING_LICENSE_DATE_CHECK_INTERVAL_MS / processManagers.licenseDateCheckIntervalMs',
    problems,
    1000,
    2_147_483_647,
  );
  const roots = env.LICENSING_TRUSTED_ROOTS
    ? env.LICENSING_TRUSTED_ROOTS.split(',')
        .map((path) => path.trim())
        .filter((path) => path.length > 0)
    : ((file.trust?.rootCertificateFiles ?? []) as string[]);
  if (roots.length === 0)
    problems.push('LICENSING_TRUSTED_ROOTS / trust.rootCertificateFiles must name at least one root certificate');

  const thresholds = readMeteringThresholds(file.metering?.thresholds, problems);
  const commands = file.commands ?? {};
  const cacheMb = integer(
    env.LICENSING_CACHE_MB ?? commands.cacheMb ?? 256,
    'LICENSING_CACHE_MB / commands.cacheMb',
    problems,
    1,
    1_000_000,
  );
  const idempotencyWindow = integer(
    env.LICENSING_IDEMPOTENCY_WINDOW ?? commands.idempotencyWindow ?? 10_000,
    'LICENSING_IDEMPOTENCY_WINDOW / commands.idempotencyWindow',
    problems,
    1000,
    100_000_000,
  );
  const snapshots = flag(
    env.LICENSING_SNAPSHOTS ?? commands.snapshots ?? true,
    'LICENSING_SNAPSHOTS / commands.snapshots',
    problems,
  );
  const access = readAccessConfig(env, cwd, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  const absoluteDataDir = isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir);
  return {
    http: { port, host, baselineRoute: env.LICENSING_BASELINE_ROUTE === 'true' },
    dataDir: absoluteDataDir,
    log: { level },
    eventStore: {
      adapter,
      sqlite: { file: resolve(absoluteDataDir, String(sqlite.file ?? 'events.db')), synchronous, pollIntervalMs },
      kurrentdb: { url: kurrentUrl },
    },
    readModels: {
      adapter: readModelsAdapter,
      sqlite: { file: resolve(absoluteDataDir, readModelFile) },
      mongodb: { url: mongoUrl, database: mongoDatabase, transactions },
    },
    connectTimeoutMs,
    projections: { runInApi, minPositionTimeoutMs, batchSize, groupWithinMs, thread: projectionThread },
    processManagers: { runInApi: processManagersInApi, licenseDateCheckIntervalMs },
    projector: { healthPort, healthHost },
    trust: {
      rootCertificateFiles: roots.map((path) => resolve(cwd, path)),
      developmentRootOnly: roots.length === 1 && resolve(cwd, roots[0]) === resolve(configDir, 'dev-root.pem'),
    },
    metering: { thresholds },
    commands: { cacheBytes: cacheMb * 1024 * 1024, idempotencyWindow, snapshots },
    access,
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
