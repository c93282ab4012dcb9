import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { version as uuidVersion } from 'uuid';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { csvField } from '../src/metering/http/metering-csv';
import { Issuer, makeIssuer, packageDescription } from '../../../test/support/signed-packages';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';

const TENANT = 'Cust12345';
const base = `/v1/tenants/${TENANT}`;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('Trace context and the billing export', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  const send = requestSender(() => app);
  const store = () => app.get<EventStore>(EVENT_STORE);

  beforeAll(async () => {
    issuer = makeIssuer();
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile });
    app = await startTestApp(config);
    expect((await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)))).statusCode).toBe(
      201,
    );
  });
  afterAll(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const lastEvent = async () => (await store().readAll()).at(-1)!;

  it('records X-Correlation-Id as the correlation id of the events, and answers it back', async () => {
    const answer = await send(
      'POST',
      `${base}/users/u1/licenses`,
      { module: 'saint' },
      { 'x-correlation-id': 'order-42/step-1' },
    );
    expect(answer.statusCode).toBe(201);
    expect(answer.headers['x-correlation-id']).toBe('order-42/step-1');
    expect((await lastEvent()).metadata.correlationId).toBe('order-42/step-1');
  });

  it('takes the trace id of a W3C traceparent when no X-Correlation-Id is sent', async () => {
    const answer = await send(
      'POST',
      `${base}/users/u2/licenses`,
      { module: 'saint' },
      { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    );
    expect(answer.headers['x-correlation-id']).toBe(TRACE_ID);
    expect((await lastEvent()).metadata.correlationId).toBe(TRACE_ID);
  });

  it('falls back to the command id, ignores a malformed traceparent, and refuses a malformed X-Correlation-Id writing nothing', async () => {
    const key = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
    const answer = await send(
      'POST',
      `${base}/users/u3/licenses`,
      { module: 'saint' },
      { 'idempotency-key': key, traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' },
    );
    expect(answer.headers['x-correlation-id']).toBe(key);
    expect((await lastEvent()).metadata.correlationId).toBe(key);
    const head = await store().headPosition();
    const refused = await send(
      'POST',
      `${base}/users/u4/licenses`,
      { module: 'saint' },
      { 'x-correlation-id': 'x'.repeat(129) },
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await store().headPosition()).toBe(head);
  });

  it('answers every request with a correlation id, queries included', async () => {
    const answer = await send('GET', `${base}/status`, undefined, { 'x-correlation-id': 'dashboard-7' });
    expect(answer.headers['x-correlation-id']).toBe('dashboard-7');
    expect((await send('GET', '/health')).headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exports the month as CSV for Accept: text/csv and for ?format=csv, and refuses other formats', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const usage = {
      records: [{ usageId: 'm-1', service: 'mailing-emails', quantity: 1200, occurredAt: new Date().toISOString() }],
    };
    const recorded = (await send('POST', `${base}/metered-usage`, usage)).json();
    const byAccept = await send('GET', `${base}/metering/${month}?minPosition=${recorded.position}`, undefined, {
      accept: 'text/csv',
    });
    expect(byAccept.statusCode).toBe(200);
    expect(byAccept.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(byAccept.headers['content-disposition']).toBe(`attachment; filename="metering-${TENANT}-${month}.csv"`);
    const lines = byAccept.body.split('\r\n');
    expect(lines[0]).toBe('tenant,month,closed,users,service,unit,total,threshold,overage,adjusts');
    expect(lines).toContain(`${TENANT},${month},false,0,mailing-emails,emails,1200,2000,0,`);
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(1 + 5 + 1);
    const byFormat = await send('GET', `${base}/metering/${month}?format=csv`);
    expect(byFormat.body).toBe(byAccept.body);
    expect((await send('GET', `${base}/metering/${month}`)).json()).toMatchObject({ month, closed: false });
    expect((await send('GET', `${base}/metering/${month}?format=xml`)).statusCode).toBe(400);
  });

  it('quotes CSV fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(12.5)).toBe('12.5');
  });

  // Last: its usage record would count in the export above.
  it('gives a command sent without a key a time-ordered id, whose time its events and their ids keep', async () => {
    const assigned = await send('POST', `${base}/users/u5/licenses`, { module: 'saint' });
    expect(assigned.statusCode).toBe(201);
    const commandId = String(assigned.headers['x-correlation-id']); // the command id, when nothing else was sent
    expect(uuidVersion(commandId)).toBe(7);
    const event = await lastEvent();
    expect(event.metadata.commandId).toBe(commandId);
    expect(uuidVersion(event.id)).toBe(8);
    expect(event.id.slice(0, 13)).toBe(commandId.slice(0, 13));
    const usage = { usageId: 'u5-1', service: 'mailing-emails', quantity: 1, occurredAt: new Date().toISOString() };
    const recorded = await send('POST', `${base}/metered-usage`, usage);
    expect(recorded.statusCode).toBe(202);
    const usageCommand = String(recorded.headers['x-correlation-id']);
    const usageEvent = await lastEvent();
    // Its records all fall in one month: the month's part is the command itself, under the request's id, and its
    // event's id (derived) keeps the request's time too.
    expect(usageEvent.metadata.commandId).toBe(usageCommand);
    expect([usageCommand, usageEvent.id].map((id) => uuidVersion(id))).toEqual([7, 8]);
    expect(new Set([usageCommand, usageEvent.id].map((id) => id.slice(0, 13))).size).toBe(1);

    // Records of two months: each month's part has an id of its own, derived (version 8), the request's time kept.
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)).toISOString();
    const twoMonths = await send('POST', `${base}/metered-usage`, {
      records: [
        { ...usage, usageId: 'u5-2' },
        { ...usage, usageId: 'u5-3', occurredAt: lastMonth },
      ],
    });
    expect(twoMonths.statusCode).toBe(202);
    const parts = (await store().readAll()).slice(-2).map((event) => String(event.metadata.commandId));
    const twoMonthsCommand = String(twoMonths.headers['x-correlation-id']);
    expect(new Set([twoMonthsCommand, ...parts]).size).toBe(3);
    expect(parts.map((id) => [uuidVersion(id), id.slice(0, 13)])).toEqual([
      [8, twoMonthsCommand.slice(0, 13)],
      [8, twoMonthsCommand.slice(0, 13)],
    ]);

    // A command a caller named (its Idempotency-Key) may be sent again: its one month's part is derived, as always.
    const keyed = await send(
      'POST',
      `${base}/metered-usage`,
      { ...usage, usageId: 'u5-4' },
      { 'idempotency-key': randomUUID() },
    );
    expect(keyed.statusCode).toBe(202);
    const keyedPart = String((await lastEvent()).metadata.commandId);
    expect(keyedPart).not.toBe(String(keyed.headers['x-correlation-id']));
    expect(uuidVersion(keyedPart)).toBe(5);
  });
});
