import { Command } from 'commander';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  belongsToTenant,
  exportTenantHistory,
  importHistory,
  licenseListAsOf,
  MOMENT_FORMAT,
  parseMoment,
  readHistoryFile,
  tenantEvents,
  VerificationReport,
  verifyHistory,
} from '@app/audit';
import { loadConfig } from '@app/config';
import { ledgerStream, TENANT_ID_PATTERN } from '@app/domain';
import type { EventStore, RecordedEvent } from '@app/event-store';
import { createEventStore, lockDataDirIfEmbedded } from '@app/event-store/event-store.factory';
import { loadTrustedRoots } from '@app/signing';
import { progressBar } from './progress';

const TENANT_ID = TENANT_ID_PATTERN;

/** `audit export|import|replay|verify`, against the configured event store. */
export function auditCommand(): Command {
  const audit = new Command('audit').description("replay and check a tenant's history");

  audit
    .command('export')
    .description("write a tenant's history, every stream in global order, to an NDJSON file (one event per line)")
    .requiredOption('-t, --tenant <id>', 'the tenant')
    .requiredOption('-o, --out <file>', 'the NDJSON file to write')
    .option('--force', 'overwrite the file if it exists')
    .action(async (options: { tenant: string; out: string; force?: boolean }) => {
      const tenant = tenantOption(options.tenant);
      if (existsSync(options.out) && !options.force)
        throw new Error(`${options.out} exists; give --force to overwrite it`);
      await withStore(async (store) => {
        const head = Number((await store.headPosition()) ?? 0n);
        // Written aside and renamed when complete: a failed export never leaves a file that looks whole.
        const partial = `${options.out}.partial`;
        const out = createWriteStream(partial, { encoding: 'utf8' });
        const bar = progressBar('exporting', 'position');
        try {
          const { events } = await exportTenantHistory(
            store,
            tenant,
            async (line) => {
              if (!out.write(line)) await once(out, 'drain');
            },
            (event) => bar.update(Number(event.position), head),
          );
          bar.stop();
          await new Promise<void>((resolve, reject) =>
            out.end((error?: Error | null) => (error ? reject(error) : resolve())),
          );
          renameSync(partial, options.out);
          process.stdout.write(`exported ${events} events of ${tenant} to ${options.out}\n`);
        } catch (error) {
          out.destroy();
          rmSync(partial, { force: true });
          throw error;
        } finally {
          bar.stop();
        }
      });
    });

  audit
    .command('import')
    .description(
      'import an exported history into an EMPTY event store: ids, revisions and metadata are kept (rebuild the projections afterwards)',
    )
    .requiredOption('-f, --file <file>', 'the NDJSON file an export wrote')
    .action(async (options: { file: string }) => {
      if (!existsSync(options.file)) throw new Error(`${options.file} does not exist`);
      // An import writes the embedded event store: nothing else may have it open.
      await withStore({ writes: 'cli audit import' }, async (store) => {
        const bar = progressBar('importing', 'events');
        let total = 0;
        try {
          const { events, streams } = await importHistory(store, () => readHistoryFile(options.file), {
            onChecked: (count) => (total = count),
            onImported: (count) => bar.update(count, total),
          });
          bar.stop();
          process.stdout.write(
            `imported ${events} events in ${streams} streams from ${options.file}; now run: projections rebuild\n`,
          );
        } finally {
          bar.stop();
        }
      });
    });

  audit
    .command('replay')
    .description(
      "print the tenant's license list as it stood at a moment, replayed from its ledger stream (JSON, the shape of GET /licenses)",
    )
    .requiredOption('-t, --tenant <id>', 'the tenant')
    .requiredOption('-a, --as-of <moment>', MOMENT_FORMAT)
    .action(async (options: { tenant: string; asOf: string }) => {
      const tenant = tenantOption(options.tenant);
      const moment = parseMoment(options.asOf);
      if (!moment) throw new Error(`--as-of must be ${MOMENT_FORMAT}, got '${options.asOf}'`);
      await withStore(async (store) => {
        const last = await store.readStream(ledgerStream(tenant), { direction: 'backwards', maxCount: 1 });
        const lastRevision = last.status === 'found' && last.events.length > 0 ? last.events[0].revision : 0;
        const bar = progressBar('replaying', 'revision');
        try {
          const list = await licenseListAsOf(store, tenant, moment, {
            onProgress: (revision) => bar.update(revision, lastRevision),
          });
          bar.stop();
          // No package was active then: the list had no owners (the HTTP route answers 404 unknown-tenant).
          process.stdout.write(`${JSON.stringify(list ?? { owners: [] }, null, 2)}\n`);
        } finally {
          bar.stop();
        }
      });
    });

  audit
    .command('verify')
    .description(
      "recompute every hash chain of a tenant and verify every activated package's signatures with the configured trusted roots; exit code 2 when something is broken",
    )
    .option('-t, --tenant <id>', 'the tenant (required unless --file is given)')
    .option('-f, --file <file>', 'verify an exported NDJSON file instead of the event store')
    .action(async (options: { tenant?: string; file?: string }) => {
      const tenant = options.tenant === undefined ? undefined : tenantOption(options.tenant);
      if (!tenant && !options.file) throw new Error('give --tenant, --file, or both');
      const config = loadConfig();
      const roots = loadTrustedRoots(config.trust.rootCertificateFiles);
      const bar = progressBar('verifying', options.file ? 'events' : 'position');
      let report: VerificationReport;
      try {
        if (options.file) {
          if (!existsSync(options.file)) throw new Error(`${options.file} does not exist`);
          const lines = await countLines(options.file);
          let seen = 0;
          report = await verifyHistory(onlyTenant(readHistoryFile(options.file), tenant), roots, () =>
            bar.update(++seen, lines),
          );
        } else {
          report = await withStore(async (store) => {
            const head = Number((await store.headPosition()) ?? 0n);
            return verifyHistory(tenantEvents(store, tenant!), roots, (event) =>
              bar.update(Number(event.position), head),
            );
          });
        }
      } finally {
        bar.stop();
      }
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (!report.ok) {
        process.stderr.write(
          `verification failed: ${report.problemCount} problem(s), the first at ${describe(report.problems[0])}\n`,
        );
        process.exitCode = 2;
      } else if (report.checkedEvents === 0) {
        process.stderr.write('no event to verify\n');
        process.exitCode = 1;
      }
    });
  return audit;
}

function tenantOption(value: string): string {
  if (!TENANT_ID.test(value)) throw new Error(`--tenant '${value}' is not a tenant id (${TENANT_ID.source})`);
  return value;
}

async function withStore<T>(
  ...args:
    [work: (store: EventStore) => Promise<T>] | [options: { writes: string }, work: (store: EventStore) => Promise<T>]
): Promise<T> {
  const [options, work] = args.length === 1 ? [undefined, args[0]] : args;
  const config = loadConfig();
  const lock = options ? lockDataDirIfEmbedded(config, options.writes, { events: true }) : null;
  const store = createEventStore(config);
  try {
    return await work(store);
  } finally {
    await store.close();
    lock?.release();
  }
}

async function* onlyTenant(
  events: AsyncIterable<RecordedEvent>,
  tenant: string | undefined,
): AsyncGenerator<RecordedEvent> {
  for await (const event of events) if (tenant === undefined || belongsToTenant(event.stream, tenant)) yield event;
}

async function countLines(file: string): Promise<number> {
  let count = 0;
  for await (const line of createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  }))
    if (line.trim() !== '') count++;
  return count;
}

function describe(problem: { kind: string; stream: string; revision: number; position: string } | undefined): string {
  return problem
    ? `${problem.stream} revision ${problem.revision} (position ${problem.position}): ${problem.kind}`
    : 'an unlisted event';
}
