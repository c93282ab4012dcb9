import { randomUUID } from 'node:crypto';
import {
  ledger,
  LedgerCommand,
  LedgerEvent,
  LedgerState,
  LicensePackage,
  PackageVerification,
  systemEvents,
  systemEventsStream,
} from '@app/domain';
import type { EventStore, Position, RecordedEvent } from '@app/event-store';
import { DeciderRunner } from '../../src';
import type { SystemEventsRunner } from '../../src';
import { aPackage, TENANT, validVerification } from '../../../domain/test/ledger.fixtures';

export { aPackage, TENANT };

export const newSystemEventsRunner = (events: EventStore): SystemEventsRunner =>
  new DeciderRunner(events, systemEvents);

/** Activates (or, with a failing verification, gets rejected) a package on the tenant's ledger; answers the position. */
export async function activatePackage(
  events: EventStore,
  pkg: LicensePackage,
  verification: PackageVerification = validVerification(),
  now = '2026-06-01T12:00:00.000Z',
): Promise<Position> {
  const runner = new DeciderRunner<LedgerCommand, LedgerEvent, LedgerState>(events, ledger);
  const outcome = await runner.run(
    `ledger-${pkg.tenantId}`,
    {
      type: 'ActivateLicensePackage',
      data: { tenantId: pkg.tenantId, package: pkg, verification },
      metadata: { now, actor: 'provisioning' },
    },
    {
      commandId: randomUUID(),
      correlationId: `activation-${pkg.packageId}`,
      actor: 'provisioning',
      tenant: pkg.tenantId,
    },
    () => undefined,
  );
  if (outcome.kind !== 'recorded') throw new Error('activation refused');
  return outcome.position!;
}

/** A `MeteringThresholdExceeded` event as the metering slice records it (its contract; metering itself is not here). */
export async function appendThresholdExceeded(
  events: EventStore,
  tenantId: string,
  data: { month?: string; service?: string; total?: number; threshold?: number; users?: number; at?: string } = {},
): Promise<Position> {
  const month = data.month ?? '2026-05';
  const event = {
    tenantId,
    month,
    service: data.service ?? 'mailing-emails',
    total: data.total ?? 12_500,
    threshold: data.threshold ?? 10_000,
    users: data.users ?? 40,
    at: data.at ?? `${month}-20T10:00:00.000Z`,
  };
  return (
    await events.append(`metering-${tenantId}-${month}`, [{ type: 'MeteringThresholdExceeded', data: event }], 'any')
  ).position;
}

export async function systemEventsOf(events: EventStore, tenant: string): Promise<RecordedEvent[]> {
  const read = await events.readStream(systemEventsStream(tenant));
  return read.status === 'found' ? read.events : [];
}
