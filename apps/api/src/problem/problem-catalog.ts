/**
 * Every problem `type` the API answers, with what it means. `GET /problems/{slug}` answers these entries, so a
 * problem's `type` URI leads to its description; the OpenAPI document lists each route's types from here.
 */
export interface ProblemKind {
  status: number;
  title: string;
  description: string;
}

export const PROBLEM_CATALOG = {
  'malformed-json': {
    status: 400,
    title: 'Malformed JSON',
    description: 'The body is not valid JSON (or is empty). Nothing was written.',
  },
  'invalid-request': {
    status: 400,
    title: 'Invalid request',
    description: 'A field of the body is missing or invalid; `errors[]` names each field and why. Nothing was written.',
  },
  'validation-failed': {
    status: 400,
    title: 'Validation failed',
    description: 'The metered-usage body is neither one record nor `{records: [...]}` of 1 to 1,000 records.',
  },
  'invalid-month': {
    status: 400,
    title: 'Invalid month',
    description: 'The month is not a calendar month (yyyy-mm) the metering can take.',
  },
  'bad-request': {
    status: 400,
    title: 'Bad request',
    description:
      'A path or query parameter (tenant, user, module, month, owner, minPosition, limit, cursor, Idempotency-Key) is not valid.',
  },
  unauthenticated: {
    status: 401,
    title: 'Unauthenticated',
    description: 'The bearer credential is missing, unknown, expired or malformed.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    description: "The credential's role or tenant does not cover this route.",
  },
  'not-found': { status: 404, title: 'Not found', description: 'No such route.' },
  'unknown-tenant': {
    status: 404,
    title: 'Unknown tenant',
    description: 'No license package has been activated for this tenant (or, for audit, no event is recorded).',
  },
  'not-held': {
    status: 404,
    title: 'License not held',
    description: 'The user does not hold the license being released.',
  },
  'system-event-not-found': {
    status: 404,
    title: 'No such live system event',
    description: 'No live system event has this (eventKey, scope, owner).',
  },
  'unknown-projection': {
    status: 404,
    title: 'Unknown projection',
    description: 'The service has no projection of this name.',
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed',
    description: 'The route does not take this method.',
  },
  'not-acceptable': {
    status: 406,
    title: 'Not acceptable',
    description: 'The route cannot answer in the media type the Accept header asks for.',
  },
  'cap-exceeded': {
    status: 409,
    title: 'Cap exceeded',
    description:
      'Every license of this module is in use and it is not unrestricted: release one first. `{module, number, inUse}` say how full it is.',
  },
  'already-assigned': { status: 409, title: 'Already assigned', description: 'The user already holds this license.' },
  'prerequisite-in-use': {
    status: 409,
    title: 'Prerequisite in use',
    description: 'Another license the user holds needs this one: release that first.',
  },
  'implied-by-plan': {
    status: 409,
    title: 'Implied by plan',
    description: "The license comes with the user's plan; change or release the plan instead.",
  },
  'concurrency-conflict': {
    status: 409,
    title: 'Concurrent change',
    description:
      'Another process changed the same stream too often while this command was decided. Retrying with the same Idempotency-Key is safe.',
  },
  'system-event-exists': {
    status: 409,
    title: 'System event is live',
    description: 'A live system event has the same (eventKey, scope, owner): update or delete it.',
  },
  'month-closed': {
    status: 409,
    title: 'Metering month closed',
    description: 'The month is closed; its invoice lines are fixed.',
  },
  'month-not-ended': {
    status: 409,
    title: 'Metering month not ended',
    description: 'A month can be closed only after it has ended (UTC).',
  },
  'rebuild-running': {
    status: 409,
    title: 'Rebuild running',
    description: 'An online rebuild of this projection is already running: follow its progress instead.',
  },
  'projections-not-here': {
    status: 409,
    title: 'Projections run elsewhere',
    description: 'This process does not run the projections (they run in the projector): ask the process that does.',
  },
  'request-timeout': { status: 408, title: 'Request timeout', description: 'The request did not arrive in time.' },
  conflict: { status: 409, title: 'Conflict', description: 'The request conflicts with the current state.' },
  'payload-too-large': { status: 413, title: 'Payload too large', description: 'The body exceeds 4 MiB.' },
  'uri-too-long': { status: 414, title: 'URI too long', description: 'The URL or one of its parameters is too long.' },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description: 'Bodies are application/json.',
  },
  'unprocessable-entity': {
    status: 422,
    title: 'Unprocessable entity',
    description: 'The request is well-formed but cannot be processed.',
  },
  'usage-overflow': {
    status: 422,
    title: 'Usage total would overflow',
    description: 'A usage total would leave the range of exact numbers; nothing was written.',
  },
  'too-many-requests': { status: 429, title: 'Too many requests', description: 'Slow down and retry later.' },
  'headers-too-large': {
    status: 431,
    title: 'Request header fields too large',
    description: 'The request headers are too large.',
  },
  'package-rejected': {
    status: 422,
    title: 'License package rejected',
    description:
      'The package cannot be activated; `reasons[]` say why (signature, trust, tenant, serial number, sequence, expiry, numbers below use). The rejection is recorded.',
  },
  'unknown-owner': {
    status: 422,
    title: 'Unknown license owner',
    description: 'No package of this owner has been activated for the tenant.',
  },
  'unknown-module': {
    status: 422,
    title: 'Unknown module',
    description: 'The owner has no license of this name (404 on the holders query).',
  },
  'not-a-user-license': {
    status: 422,
    title: 'Not a user license',
    description: 'Only user licenses (type 3) are assigned to users.',
  },
  'prerequisite-missing': {
    status: 422,
    title: 'Prerequisite missing',
    description: 'The license needs another one (its prerequisite) that the user does not hold.',
  },
  'user-inactive': {
    status: 422,
    title: 'User is deactivated',
    description: 'Reactivate the user before assigning licenses.',
  },
  'grace-period-ended': {
    status: 422,
    title: 'Grace period ended',
    description: "The owner's grace date has passed: its licenses are read-only.",
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency key reused',
    description:
      'The Idempotency-Key (or commandId) was used before, on any stream, for a different request; use a new key for a new request.',
  },
  'usage-rejected': {
    status: 422,
    title: 'Usage rejected',
    description: 'Not one record of the request could be counted; `rejected[]` says why for each. Nothing was written.',
  },
  'invalid-usage': { status: 422, title: 'Invalid usage record', description: 'A usage record is not valid.' },
  'wrong-month': {
    status: 422,
    title: 'Usage record of another month',
    description: 'A usage record belongs to another month than the one it was sent to.',
  },
  'reserved-event-key': {
    status: 422,
    title: 'Reserved event key',
    description: 'The backend raises notices with this key itself.',
  },
  'not-a-notice-key': {
    status: 422,
    title: 'Not a notice key',
    description: 'The key is not one of the notices the backend raises.',
  },
  'access-undeclared': {
    status: 500,
    title: 'Access not declared',
    description:
      'A route declares neither @Access nor @Public: a defect of the service, refused rather than served open.',
  },
  'internal-error': {
    status: 500,
    title: 'Internal error',
    description: 'An unexpected error; it has been logged with the request.',
  },
  'read-model-behind': {
    status: 503,
    title: 'Read model behind',
    description: 'The read model did not reach `minPosition` in time. Retry shortly.',
  },
  'projection-failed': {
    status: 503,
    title: 'Read model stopped',
    description: 'A projection failed and stopped; see the service log and /health.',
  },
  'process-manager-failed': {
    status: 503,
    title: 'Notices stopped',
    description: 'A notice process manager failed and stopped; see the service log and /health.',
  },
  'shutting-down': {
    status: 503,
    title: 'Shutting down',
    description: 'The service is stopping; retry against another instance.',
  },
  'service-unavailable': {
    status: 503,
    title: 'Service unavailable',
    description: 'The service cannot take requests now. Retry later.',
  },
  'store-unavailable': {
    status: 503,
    title: 'Event store unavailable',
    description: 'The event store cannot take requests now. Retry later.',
  },
} satisfies Record<string, ProblemKind>;

export type ProblemSlug = keyof typeof PROBLEM_CATALOG;

export function problemKind(slug: string): (ProblemKind & { slug: ProblemSlug }) | undefined {
  return Object.hasOwn(PROBLEM_CATALOG, slug)
    ? { slug: slug as ProblemSlug, ...PROBLEM_CATALOG[slug as ProblemSlug] }
    : undefined;
}
