import Database from 'better-sqlite3';
import { chainEvent, storedHash } from '@app/application';
import { JsonObject, RecordedEvent } from '@app/event-store';
import { TrustedRoots } from '@app/signing';
import { tenantEvents, verifyHistory } from '../src';
import { Issuer, makeIssuer } from '../../../test/support/signed-packages';
import { AuditWorld, writeAuditedHistory } from './audit-fixtures';

const TENANT = 'Cust1';
const LEDGER = `ledger-${TENANT}`;

describe("verifying a tenant's history", () => {
  let issuer: Issuer;
  let world: AuditWorld;
  let db: Database.Database;

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(async () => {
    world = await writeAuditedHistory(issuer, TENANT);
    db = new Database(world.file);
  });
  afterEach(async () => {
    db.close();
    await world.close();
  });

  const verify = (roots = world.roots) => verifyHistory(tenantEvents(world.store, TENANT), roots);
  const events = async (): Promise<RecordedEvent[]> => {
    const all: RecordedEvent[] = [];
    for await (const event of tenantEvents(world.store, TENANT)) all.push(event);
    return all;
  };
  const at = async (stream: string, revision: number) =>
    (await events()).find((e) => e.stream === stream && e.revision === revision)!;
  const located = (event: RecordedEvent) => ({
    stream: event.stream,
    revision: event.revision,
    position: event.position.toString(),
    eventId: event.id,
  });

  it('finds an untouched history intact: every chain, every package signature', async () => {
    const all = await events();
    const report = await verify();
    expect(report).toMatchObject({ ok: true, checkedEvents: all.length, problems: [], problemCount: 0 });
    expect(report.packages).toEqual(
      world.packages.map((pkg) =>
        expect.objectContaining({
          packageId: pkg.packageId,
          owner: 'SUPEROFFICE',
          stream: LEDGER,
          signatureValid: true,
          chainValid: true,
        }),
      ),
    );
    const ledgerEvents = all.filter((e) => e.stream === LEDGER);
    expect(report.streams).toEqual(
      expect.arrayContaining([
        {
          stream: LEDGER,
          events: ledgerEvents.length,
          lastRevision: ledgerEvents.length - 1,
          headHash: storedHash(ledgerEvents[ledgerEvents.length - 1].metadata),
        },
      ]),
    );
    expect(report.streams.map((s) => s.stream).sort()).toEqual([LEDGER, `metering-${TENANT}-2026-06`]);
  });

  it('detects and locates an event whose data was altered in the SQLite file', async () => {
    const victim = await at(LEDGER, 3);
    db.prepare("UPDATE events SET data = json_set(data, '$.userId', 'mallory') WHERE stream = ? AND revision = ?").run(
      LEDGER,
      3,
    );
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'hash-mismatch', ...located(victim) })]);
    // The first package came before the altered event, the second after it.
    expect(report.packages.map((p) => p.chainValid)).toEqual([true, false]);
    expect(report.packages.every((p) => p.signatureValid)).toBe(true);
  });

  it('detects a removed event at the event after it', async () => {
    const next = await at(LEDGER, 4);
    db.prepare('DELETE FROM events WHERE stream = ? AND revision = ?').run(LEDGER, 3);
    const report = await verify();
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'revision-gap',
        ...located(next),
        detail: 'revision 3 is missing before this event',
      }),
    ]);
  });

  it('detects an event rewritten with a fresh hash by the broken link of the next one', async () => {
    const victim = await at(LEDGER, 3);
    const next = await at(LEDGER, 4);
    const forged = chainEvent(LEDGER, 3, (await at(LEDGER, 2)).metadata.hash as string, {
      id: victim.id,
      type: victim.type,
      data: { ...victim.data, userId: 'mallory' },
      metadata: victim.metadata,
    });
    db.prepare('UPDATE events SET data = ?, metadata = ? WHERE stream = ? AND revision = ?').run(
      JSON.stringify(forged.data),
      JSON.stringify(forged.metadata),
      LEDGER,
      3,
    );
    const report = await verify();
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'broken-link', ...located(next) })]);
  });

  it('detects events moved in the global order', async () => {
    const [a, b] = [await at(LEDGER, 3), await at(LEDGER, 4)];
    const move = db.prepare('UPDATE events SET position = ? WHERE position = ?');
    db.transaction(() => {
      move.run(-1, Number(a.position));
      move.run(Number(a.position), Number(b.position));
      move.run(Number(b.position), -1);
    })();
    const report = await verify();
    expect(report.problems.map((p) => [p.kind, p.revision])).toEqual([
      ['revision-gap', 4],
      ['out-of-order', 3],
    ]);
  });

  it('names a package whose rows were changed, even when the whole chain was recomputed to match', async () => {
    const ledgerEvents = (await events()).filter((e) => e.stream === LEDGER);
    const update = db.prepare('UPDATE events SET data = ?, metadata = ? WHERE stream = ? AND revision = ?');
    let previous: string | null = null;
    for (const event of ledgerEvents) {
      let data = event.data;
      if (event.revision === 0) {
        const pkg = data.package as { modules: Array<{ name: string; number: number }> };
        data = {
          ...data,
          package: { ...pkg, modules: pkg.modules.map((m) => (m.name === 'saint' ? { ...m, number: 500 } : m)) },
        };
      }
      const rewritten = chainEvent(LEDGER, event.revision, previous, {
        id: event.id,
        type: event.type,
        data,
        metadata: event.metadata,
      });
      update.run(JSON.stringify(rewritten.data), JSON.stringify(rewritten.metadata), LEDGER, event.revision);
      previous = storedHash(rewritten.metadata);
    }
    const report = await verify();
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'package-signature-invalid',
        ...located(ledgerEvents[0]),
        detail: expect.stringContaining('row signatures do not verify: saint'),
      }),
    ]);
    expect(report.packages.map((p) => [p.signatureValid, p.chainValid])).toEqual([
      [false, true],
      [true, true],
    ]);
  });

  it('names missing trust as its own problem, no-trusted-root, once the root is no longer configured', async () => {
    const report = await verify(TrustedRoots.fromPems([makeIssuer().rootCertificatePem]));
    expect(report.ok).toBe(false);
    expect(report.packages.map((p) => p.signatureValid)).toEqual([false, false]);
    expect(report.problems.map((problem) => problem.kind)).toEqual(['no-trusted-root', 'no-trusted-root']);
    expect(report.problems[0].detail).toMatch(
      /its signatures verify, but .*trusted root.*did not sign it.*LICENSING_TRUSTED_ROOTS/,
    );
  });

  it('reports a tampered package without trust as package-signature-invalid, not as missing trust alone', async () => {
    const [first] = (await events()).filter((e) => e.stream === LEDGER);
    const pkg = first.data.package as { modules: Array<{ name: string; number: number }> };
    const data: JsonObject = {
      ...first.data,
      package: { ...pkg, modules: pkg.modules.map((m) => (m.name === 'saint' ? { ...m, number: 500 } : m)) },
    };
    db.prepare('UPDATE events SET data = ? WHERE stream = ? AND revision = 0').run(JSON.stringify(data), LEDGER);
    const report = await verify(TrustedRoots.fromPems([makeIssuer().rootCertificatePem]));
    const kinds = report.problems.filter((problem) => problem.eventId === first.id).map((problem) => problem.kind);
    expect(kinds).toContain('package-signature-invalid');
    expect(kinds).not.toContain('no-trusted-root');
  });
});
