/**
 * Which streams hold a tenant's history: `ledger-{tenant}`, `systemevents-{tenant}` and one
 * `metering-{tenant}-{yyyy-mm}` per month. A new per-tenant stream kind must be added here, or audits miss it.
 *
 * The store filters by stream-name prefix only (as KurrentDB does server-side), and a prefix cannot tell tenant
 * `Cust1` from `Cust12` or `Cust1-2`; `belongsToTenant` then decides exactly, on the whole name.
 */

export function tenantStreamPrefixes(tenant: string): string[] {
  return [`ledger-${tenant}`, `systemevents-${tenant}`, `metering-${tenant}-`];
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function belongsToTenant(stream: string, tenant: string): boolean {
  if (stream === `ledger-${tenant}` || stream === `systemevents-${tenant}`) return true;
  const metering = `metering-${tenant}-`;
  // The month is the last seven characters, so `metering-Cust1-2-2026-06` (tenant Cust1-2) is never Cust1's.
  return stream.startsWith(metering) && MONTH.test(stream.slice(metering.length));
}
