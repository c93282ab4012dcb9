import { METERED_SERVICES, SYSTEM_EVENT_STATUSES } from '@app/domain';
import { anyObject, arrayOf, bool, int, nullable, num, obj, position, ref, Schema, str } from './schema-builders';

/**
 * The answers of every route, as OpenAPI components. They are the contract the end-to-end suites hold every
 * response to (test/support/response-validation.ts), and what libs/client's types are generated from.
 */

const service = str({ enum: [...METERED_SERVICES] });
const moment = str({ description: 'ISO-8601 date-time' });
const nullableMoment = nullable(moment);
const strings = (description?: string) => arrayOf(str(), description ? { description } : {});

const invoiceLine = obj(
  { service, unit: str(), total: num(), threshold: num(), overage: num() },
  { adjusts: str({ description: 'on an adjustment line: the closed month whose late usage it carries' }) },
);

const usageRecord = obj(
  {
    usageId: str({ description: 'chosen by the client; a repeat never counts twice', maxLength: 128 }),
    service,
    quantity: num({ minimum: 0 }),
    occurredAt: str({ description: 'ISO-8601 date-time with zone' }),
  },
  {},
);

const feedItem = obj({
  eventKey: str(),
  status: str({ enum: [...SYSTEM_EVENT_STATUSES] }),
  message: str(),
  activatedAt: moment,
  activatedBy: str(),
  finishedAt: nullableMoment,
  scope: int({ enum: [1, 2, 3, 4] }),
  owner: nullable(str()),
  eta: nullableMoment,
  updatedAt: moment,
  sequence: int(),
});

const systemEventKey = { eventKey: str(), scope: int({ enum: [1, 2, 3, 4] }), owner: nullable(str()) };

export const ANSWER_SCHEMAS: Record<string, Schema> = {
  AssignmentAnswer: obj({
    assigned: strings('licenses given by this command'),
    released: strings('licenses taken back by it'),
    position: position(),
  }),
  PackageActivated: obj({ packageId: str(), position: position() }),
  RejectionReason: obj(
    { code: str(), detail: str() },
    {
      modules: strings(),
      licenses: arrayOf(obj({ module: str(), inUse: int(), newNumber: int(), mustRemove: int(), holders: strings() })),
    },
  ),
  LicenseChange: obj({
    module: str(),
    current: nullable(int({ description: 'null when the module is new in this package' })),
    new: nullable(int({ description: 'null when the package drops the module' })),
    inUse: int(),
    free: nullable(int()),
    newFree: nullable(int()),
    mustRemove: int(),
    unrestricted: bool(),
  }),
  PackageReview: obj({
    canBeActivated: bool(),
    reasons: arrayOf(ref('RejectionReason')),
    changes: arrayOf(ref('LicenseChange')),
  }),
  UsageRecord: usageRecord,
  UsageBatch: obj(
    { records: arrayOf(ref('UsageRecord'), { minItems: 1, maxItems: 1000 }) },
    { commandId: str({ format: 'uuid' }) },
  ),
  SingleUsage: { allOf: [ref('UsageRecord'), obj({}, { commandId: str({ format: 'uuid' }) })] },
  MeteredUsageBody: {
    oneOf: [ref('SingleUsage'), ref('UsageBatch')],
    description: 'one usage record, or a batch of up to 1,000',
  },
  UsageRecordProblem: obj({ index: int(), usageId: nullable(str()), reasons: strings() }),
  UsageAnswer: obj({
    accepted: int(),
    duplicates: int(),
    rejected: arrayOf(ref('UsageRecordProblem')),
    position: position(),
  }),
  InvoiceLine: invoiceLine,
  MonthClosed: obj({
    month: str(),
    users: int(),
    closed: bool(),
    lines: arrayOf(ref('InvoiceLine')),
    position: position(),
  }),
  MeteringMonth: obj({
    month: str({ pattern: '^\\d{4}-\\d{2}$' }),
    users: int(),
    closed: bool(),
    services: arrayOf(ref('InvoiceLine')),
    adjustments: arrayOf(ref('InvoiceLine'), { description: 'late usage of earlier, closed months, on this invoice' }),
  }),
  SystemEventAnswer: obj({
    ...systemEventKey,
    status: str({ enum: [...SYSTEM_EVENT_STATUSES] }),
    message: str(),
    eta: nullableMoment,
    activatedAt: moment,
    activatedBy: str(),
    finishedAt: nullableMoment,
    sequence: int(),
    position: position(),
  }),
  SystemEventDeleted: obj({ ...systemEventKey, sequence: int(), position: position() }),
  SystemEventFeedItem: feedItem,
  SystemEventFeedPage: obj({
    items: arrayOf(ref('SystemEventFeedItem')),
    nextCursor: nullable(str({ description: 'pass as cursor for the next page; null on the last' })),
  }),
  LicenseView: obj({
    module: str(),
    description: str(),
    type: int(),
    number: int(),
    inUse: int(),
    free: int(),
    unrestricted: bool(),
    hidden: bool(),
    isPlan: bool(),
    implies: strings('the licenses a plan assigns with it'),
    overAllocated: bool(),
  }),
  OwnerView: obj({
    name: str(),
    description: str(),
    companyName: str(),
    serialNumber: str(),
    databaseType: str(),
    expiration: nullableMoment,
    graceTo: nullableMoment,
    licenses: arrayOf(ref('LicenseView')),
  }),
  LicenseList: obj({ owners: arrayOf(ref('OwnerView')) }),
  Holders: obj({ module: str(), holders: strings('user ids') }),
  UserLicenses: obj({ userId: str(), active: bool(), plan: nullable(str()), modules: strings() }),
  Status: obj({
    database: obj({
      owner: nullable(str()),
      serialNumber: nullable(str()),
      databaseType: nullable(str()),
      nextExpiry: nullableMoment,
    }),
    userCount: obj({ byLicenses: obj({ user: nullable(int()), web: nullable(int()) }), byPlansInUse: int() }),
    metering: obj({ month: str(), services: arrayOf(ref('InvoiceLine')) }),
  }),
  AuditEvent: obj({
    position: position("the event's global position"),
    stream: str(),
    revision: int({ minimum: 0 }),
    id: str({ format: 'uuid' }),
    type: str(),
    data: anyObject(),
    metadata: anyObject('correlationId, causationId, actor, tenant, commandId, …'),
    recordedAt: moment,
  }),
  TenantEventsPage: obj({
    items: arrayOf(ref('AuditEvent')),
    nextPosition: nullable(position('pass as fromPosition for the next page; null when none follows yet')),
  }),
  VerificationReport: obj({
    ok: bool(),
    checkedEvents: int(),
    packages: arrayOf(
      obj(
        {
          packageId: nullable(str()),
          stream: str(),
          revision: int(),
          position: position(),
          signatureValid: bool(),
          chainValid: bool(),
        },
        { owner: nullable(str()), sequence: nullable(int()) },
      ),
    ),
    problems: arrayOf(
      obj({
        kind: str({
          description:
            'hash-mismatch, missing-hash, broken-link, revision-gap, out-of-order, package-signature-invalid, no-trusted-root',
        }),
        stream: str(),
        revision: int(),
        position: position(),
        eventId: str(),
        detail: str(),
      }),
    ),
    problemCount: int(),
    streams: arrayOf(obj({ stream: str(), events: int(), lastRevision: int(), headHash: nullable(str()) })),
  }),
  Health: obj(
    { status: str({ enum: ['ok', 'degraded', 'unavailable'] }) },
    {
      eventStore: obj({ status: str({ enum: ['up', 'down'] }) }),
      projections: obj({
        runIn: str({ enum: ['api', 'projector'] }),
        failed: bool(),
        positions: arrayOf(obj({ name: str(), position: nullable(position()) })),
      }),
      processManagers: obj({
        failed: bool(),
        positions: arrayOf(obj({ name: str(), position: nullable(position()) })),
      }),
    },
    'the details only for an admin credential',
  ),
  TenantsPage: obj({
    items: arrayOf(
      obj({
        tenantId: str(),
        owners: strings(),
        planHolders: int(),
        companyName: nullable(str({ description: "the licensee of the SUPEROFFICE package (else another owner's)" })),
        serialNumber: nullable(str()),
        lastActivityAt: nullable(str({ description: "when the store recorded the tenant's latest event" })),
        lastPosition: nullable(position()),
      }),
    ),
    nextCursor: nullable(str({ description: 'pass as cursor for the next page; null on the last' })),
  }),
  PackageHistoryItem: obj({
    outcome: str({ enum: ['activated', 'rejected'] }),
    packageId: str(),
    owner: str(),
    sequence: int(),
    at: str({ description: "the command's time (activatedAt or rejectedAt)" }),
    actor: nullable(str({ description: 'who sent the package' })),
    reasons: arrayOf(ref('RejectionReason')),
    companyName: nullable(str()),
    serialNumber: nullable(str()),
    position: position(),
  }),
  PackageHistoryPage: obj({
    items: arrayOf(ref('PackageHistoryItem')),
    nextCursor: nullable(str({ description: 'pass as cursor for the next page; null on the last' })),
  }),
  MeteringMonths: obj({ months: arrayOf(ref('MeteringMonth'), { description: 'oldest first' }) }),
  ConsoleSession: obj({
    tenantId: str(),
    actor: str(),
    role: str({ enum: ['admin', 'service', 'reader', 'auditor'] }),
    tenant: str({ description: 'one tenant id, or * for all' }),
    via: str({ enum: ['api-key', 'token', 'open'] }),
    may: {
      type: 'object',
      additionalProperties: { type: 'boolean' },
      description: 'what this credential may do for this tenant, by permission',
    },
  }),
  RebuildProgress: obj(
    {
      projection: str(),
      state: str({ enum: ['idle', 'running', 'completed', 'failed'] }),
      startedAt: nullableMoment,
      finishedAt: nullableMoment,
      position: nullable(position('how far the staged copy has read')),
      head: nullable(position('the head it is heading for')),
      events: nullable(int()),
    },
    { error: str() },
  ),
  ProblemDescription: obj({ type: str(), title: str(), status: int(), description: str() }),
};
