import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeciderRunner } from '@app/application';
import { z } from 'zod';
import { eventCodec, EventSourcedDecider, ledger, LedgerCommand, ledgerStream, LicensePackage } from '@app/domain';
import { SqliteEventStore } from '@app/event-store';
import { TrustedRoots, verifyPackage } from '@app/signing';
import { Issuer, packageDescription } from '../../../test/support/signed-packages';

/** A stream kind other than the ledger, recorded through DeciderRunner too (metering and system events will be). */
type Noted = { type: 'Noted'; data: { note: string } };
export const notes: EventSourcedDecider<{ type: 'Note'; data: { note: string } }, Noted, null> = {
  codec: eventCodec<Noted>({ Noted: { schema: z.object({ note: z.string() }) } }),
  initialState: () => null,
  decide: (command) => [{ type: 'Noted', data: command.data }],
  evolve: (state) => state,
};

export interface AuditWorld {
  dir: string;
  file: string;
  store: SqliteEventStore;
  roots: TrustedRoots;
  packages: LicensePackage[];
  close(): Promise<void>;
}

/**
 * A tenant's history written the way the service writes it: two signed packages activated, assignments and
 * releases on the ledger, and notes in a metering stream, interleaved with another tenant whose id begins alike.
 */
export async function writeAuditedHistory(issuer: Issuer, tenant: string): Promise<AuditWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const file = join(dir, 'events.db');
  const store = new SqliteEventStore({ file });
  const roots = TrustedRoots.fromPems([issuer.rootCertificatePem]);
  const ledgerRunner = new DeciderRunner(store, ledger);
  const notesRunner = new DeciderRunner(store, notes);
  let minute = 0;
  const start = Date.now();
  const now = () => new Date(start + 60_000 * minute++).toISOString();
  const envelope = (t: string) => ({
    commandId: randomUUID(),
    correlationId: randomUUID(),
    actor: 'audit-test',
    tenant: t,
  });
  const send = (t: string, command: LedgerCommand) =>
    ledgerRunner.run(ledgerStream(t), command, envelope(t), () => undefined);
  const activate = (t: string, pkg: LicensePackage) =>
    send(t, {
      type: 'ActivateLicensePackage',
      data: { tenantId: t, package: pkg, verification: verifyPackage(pkg, roots) },
      metadata: { now: now(), actor: 'a' },
    });
  const assign = (t: string, userId: string, module: string) =>
    send(t, {
      type: 'AssignLicense',
      data: { userId, owner: 'SUPEROFFICE', module },
      metadata: { now: now(), actor: 'a' },
    });

  const packages = [issuer.sign(packageDescription(tenant)), issuer.sign(packageDescription(tenant, { sequence: 2 }))];
  const other = `${tenant}2`;
  await activate(tenant, packages[0]);
  await activate(other, issuer.sign(packageDescription(other)));
  for (const userId of ['u1', 'u2', 'u3']) {
    await assign(tenant, userId, 'sales-premium');
    await assign(other, userId, 'saint');
    await notesRunner.run(
      `metering-${tenant}-2026-06`,
      { type: 'Note', data: { note: userId } },
      envelope(tenant),
      () => undefined,
    );
  }
  await activate(tenant, packages[1]);
  await send(tenant, {
    type: 'UnassignLicense',
    data: { userId: 'u1', owner: 'SUPEROFFICE', module: 'sales-premium' },
    metadata: { now: now(), actor: 'a' },
  });
  await assign(tenant, 'u4', 'saint');
  return {
    dir,
    file,
    store,
    roots,
    packages,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
