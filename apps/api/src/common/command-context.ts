import { validate as isUuid } from 'uuid';
import type { CommandEnvelope } from '@app/application';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../auth/request-principal';
import { ProblemException } from '../problem/problem';
import { requestFingerprint } from './command-sender';
import { timeOrderedUuid } from './time-ordered-uuid';
import { callerCorrelationId } from './trace-context';

/**
 * The envelope of a command sent over HTTP: its id (the `Idempotency-Key` header or a `commandId` body field,
 * else a fresh, time-ordered one), the correlation id (`X-Correlation-Id`, else the `traceparent` trace id, else the
 * command id) and the actor; with the key the caller sent, the request's fingerprint, which `CommandSender` checks
 * (command-sender.ts).
 */
export function commandEnvelope(request: FastifyRequest, tenant: string, bodyCommandId?: unknown): CommandEnvelope {
  const sent = sentCommandId(request, bodyCommandId);
  if (sent.kind === 'invalid') throw ProblemException.of(400, 'bad-request', 'Bad request', sent.detail, sent.extra);
  // Time-ordered (version 7): the ids derived from it keep its time, and so the event store's index of event ids is
  // written at one end rather than at random (see `derivedId`).
  const commandId = sent.kind === 'sent' ? sent.id : timeOrderedUuid();
  const id = commandId.toLowerCase();
  const correlationId = callerCorrelationId(request) ?? id;
  // Answered back in X-Correlation-Id (trace-context.ts).
  request.correlationId = correlationId;
  // A key the caller sent binds this request's fingerprint; a fresh id can collide with nothing, so it binds none.
  const idempotency =
    sent.kind === 'sent' ? { idempotency: { key: id, fingerprint: requestFingerprint(request) } } : {};
  const envelope: CommandEnvelope = { commandId: id, correlationId, actor: actorOf(request), tenant, ...idempotency };
  // Made here, so never sent again: the runner need not remember it for retries (see CommandEnvelope.freshId).
  if (sent.kind === 'none') envelope.freshId = true;
  return envelope;
}

/** The command id the caller sent, as is: none, a UUID, or why it is refused (see `commandEnvelope`). */
export type SentCommandId =
  | { kind: 'none' }
  | { kind: 'sent'; id: string }
  | { kind: 'invalid'; detail: string; extra?: Record<string, unknown> };

/** The `Idempotency-Key` header or the body's `commandId`: they must agree, and the id must be a UUID. */
export function sentCommandId(request: FastifyRequest, bodyCommandId: unknown): SentCommandId {
  const header = request.headers['idempotency-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined && bodyCommandId !== undefined && fromHeader !== bodyCommandId) {
    return { kind: 'invalid', detail: 'the Idempotency-Key header and the commandId field differ' };
  }
  const id = fromHeader ?? bodyCommandId;
  if (id === undefined) return { kind: 'none' };
  if (typeof id !== 'string' || !isUuid(id)) {
    return {
      kind: 'invalid',
      detail: 'the command id (Idempotency-Key or commandId) must be a UUID',
      extra: { errors: [{ field: 'commandId', messages: ['must be a UUID'] }] },
    };
  }
  return { kind: 'sent', id };
}

/** The key's name or the token's `sub`, as the access guard established it; `anonymous` while access is open. */
function actorOf(request: FastifyRequest): string {
  const principal = principalOf(request);
  // Every command route declares an access permission, so the guard has always set a principal by now.
  if (principal === undefined)
    throw new Error(`no principal for ${request.method} ${request.url}: the route is not guarded`);
  return principal.actor;
}
