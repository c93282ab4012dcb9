import {
  CallHandler,
  ExecutionContext,
  Global,
  Inject,
  Injectable,
  Module,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { IdempotencyKeys } from '@app/application';
import { EVENT_STORE, EventStore, KeyBinding } from '@app/event-store';
import type { FastifyRequest } from 'fastify';
import { sentCommandId } from './command-context';

/**
 * Idempotency keys across streams (README, "Idempotency"). A command route (`@ApiCommand()`) whose request carries a
 * key (`Idempotency-Key`, or a `commandId` body field) runs through `IdempotencyKeys`: refused with 422
 * `idempotency-key-reused` if the key is bound to a different request, and one at a time with other requests with
 * the same key. The key and the request's fingerprint go on the request for `commandEnvelope`, which puts them on
 * the command's events, where the store binds the key.
 */

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's idempotency key and fingerprint, on command routes that were sent a key. */
    idempotency?: KeyBinding;
  }
}

/** Route metadata: a command route, which takes an idempotency key. Set by `@ApiCommand()`. */
export const IDEMPOTENT_COMMAND = 'licensing:idempotent-command';
export const IdempotentCommand = () => SetMetadata(IDEMPOTENT_COMMAND, true);

/**
 * The process's one `IdempotencyKeys` (it serialises requests with one key, so every command route must share it):
 * the interceptor is route-scoped (see `ApiCommand`), and Nest makes one per module that uses it.
 */
@Global()
@Module({
  providers: [
    { provide: IdempotencyKeys, inject: [EVENT_STORE], useFactory: (store: EventStore) => new IdempotencyKeys(store) },
  ],
  exports: [IdempotencyKeys],
})
export class IdempotencyKeysModule {}

/**
 * Set on command routes only (by `ApiCommand`), not globally: any interceptor on a route puts every request of it
 * through Nest's interceptor chain (rxjs, and an `AsyncResource.bind` per request, whose `deprecate` wrappers were
 * 6.5% of the no-op route's profile when this was an APP_INTERCEPTOR; issue 15, goal 3).
 */
@Injectable()
export class IdempotencyKeyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(IdempotencyKeys) private readonly keys: IdempotencyKeys,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const command = this.reflector.get<boolean | undefined>(IDEMPOTENT_COMMAND, context.getHandler());
    if (context.getType() !== 'http' || !command) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const binding = requestBinding(request);
    if (!binding) return next.handle();
    request.idempotency = binding;
    return from(this.keys.exclusive(binding, () => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}

/**
 * The key the request carries and its fingerprint, or undefined if it carries none (a fresh id can collide with
 * nothing) or one the route will refuse with 400 (not a UUID, header and body differ: see `commandEnvelope`).
 */
export function requestBinding(request: FastifyRequest): KeyBinding | undefined {
  const body = request.body;
  const sent = sentCommandId(request, isPlainObject(body) ? body.commandId : undefined);
  if (sent.kind !== 'sent') return undefined;
  return { key: sent.id.toLowerCase(), fingerprint: requestFingerprint(request) };
}

/**
 * SHA-256 of what the request asks: its method, route, path parameters (the tenant among them), query and body, the
 * key itself left out (so a key in the header or in the body is the same request). Not who asked, not when: an
 * honest retry by another client of the same caller, or later, is the same request.
 */
export function requestFingerprint(request: FastifyRequest): string {
  let body = request.body;
  if (isPlainObject(body) && 'commandId' in body) {
    const { commandId: _key, ...rest } = body;
    body = rest;
  }
  const asked = {
    method: request.method,
    route: request.routeOptions.url ?? request.url,
    params: request.params ?? {},
    query: request.query ?? {},
    body: body ?? null,
  };
  return createHash('sha256')
    .update(canonicalize(asked) ?? '')
    .digest('hex');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
