import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import { loadConfig } from '@app/config';
import { lockDataDirIfEmbedded, openEventStore } from '@app/event-store/event-store.factory';
import { processManagerCheckpoint, SYSTEM_NOTICE_MANAGER_NAMES } from '@app/application';
import { ALL_PROJECTIONS, Projection, rebuildProjections } from '@app/projections';
import { openReadModelStore } from '@app/read-models';
import { rebuildOnlineThroughApi } from './online-rebuild.client';

function select(names: string[] | undefined): Projection[] {
  if (!names || names.length === 0) return [...ALL_PROJECTIONS];
  const known = new Map(ALL_PROJECTIONS.map((p) => [p.name, p]));
  return names.map((name) => {
    const projection = known.get(name);
    if (!projection) throw new Error(`unknown projection '${name}'; known: ${[...known.keys()].join(', ')}`);
    return projection;
  });
}

/** `projections rebuild` and `projections status`, against the configured stores (stop the service first). */
export function projectionsCommand(): Command {
  const projections = new Command('projections').description('inspect and rebuild the read models');

  projections
    .command('status')
    .description("each projection's checkpoint beside the event store's head position")
    .action(async () => {
      const config = loadConfig();
      const events = await openEventStore(config);
      const readModels = await openReadModelStore(config).catch(async (error: unknown) => {
        await events.close();
        throw error;
      });
      try {
        const head = await events.headPosition();
        process.stdout.write(`event store head: ${head ?? 'empty'}\n`);
        for (const projection of ALL_PROJECTIONS) {
          process.stdout.write(
            `${projection.name}: ${(await readModels.checkpoint(projection.name)) ?? 'nothing applied'}\n`,
          );
        }
        // Not projections, and a rebuild leaves them alone; shown so that an operator sees they keep up.
        for (const name of SYSTEM_NOTICE_MANAGER_NAMES) {
          process.stdout.write(
            `process manager ${name}: ${(await readModels.checkpoint(processManagerCheckpoint(name))) ?? 'nothing handled'}\n`,
          );
        }
      } finally {
        await readModels.close();
        await events.close();
      }
    });

  projections
    .command('rebuild')
    .description(
      'empty the read models and replay every event from position 0 (stop the service first, or use --online)',
    )
    .option('-p, --projection <name...>', 'only these projections (default: all)')
    .option(
      '--online',
      'ask the running service to rebuild beside the live read models and switch over (LICENSING_API_URL, LICENSING_ADMIN_KEY)',
    )
    .action(async (options: { projection?: string[]; online?: boolean }) => {
      const chosen = select(options.projection);
      if (options.online) return rebuildOnlineThroughApi(chosen.map((p) => p.name));
      const config = loadConfig();
      // An offline rebuild beside a running service would interleave two writers of the read models: refused.
      const lock = lockDataDirIfEmbedded(config, 'cli projections rebuild', { readModels: true });
      const events = await openEventStore(config);
      const readModels = await openReadModelStore(config).catch(async (error: unknown) => {
        await events.close();
        lock?.release();
        throw error;
      });
      const bar = new SingleBar(
        { format: 'rebuilding {bar} {percentage}% | position {value}/{total} | {eta_formatted} left', etaBuffer: 50 },
        Presets.shades_classic,
      );
      let started = false;
      const since = Date.now();
      try {
        const { events: count } = await rebuildProjections(events, readModels, chosen, {
          onProgress: (position, head) => {
            if (!started) bar.start(Number(head), 0);
            started = true;
            bar.setTotal(Number(head));
            bar.update(Number(position));
          },
        });
        if (started) bar.stop();
        const seconds = (Date.now() - since) / 1000;
        process.stdout.write(
          `rebuilt ${chosen.map((p) => p.name).join(', ')} from ${count} events in ${seconds.toFixed(1)} s\n`,
        );
      } finally {
        if (started) bar.stop();
        await readModels.close();
        await events.close();
        lock?.release();
      }
    });
  return projections;
}
