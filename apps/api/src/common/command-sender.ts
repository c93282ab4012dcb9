import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { type CommandEnvelope, IdempotencyKeys } from '@app/application';
import { EVENT_STORE, EventStore } from '@app/event-store';
import type { FastifyRequest } from 'fastify';

/**
 * Idempotency keys across streams (README, "Idempotency"). A command sent over HTTP whose request carried a key
 * (`Idempotency-Key`, or a `commandId` body field) has it on its envelope with the request's fingerprint
 * (`commandEnvelope`); `CommandSender` runs it through `IdempotencyKeys`: refused with 422 `idempotency-key-reused` if
 * the key is bound to a different request, and one at a time with other requests with the same key. The envelope
 * puts the key and fingerprint on the command's events, where the store binds the key.
 *
 * Why not an interceptor (as it was until issue 15's twentieth session): a Nest interceptor puts every request of its
 * route through Nest's interceptor chain (rxjs Observables and two `AsyncResource.bind` per request, whose Node 20
 * `deprecate` wrappers alone were 4.5% of a single usage record's CPU profile), even the requests that carry no key.
 * Here a request without a key costs one property read; one with a key, exactly what the check needs.
 */

/** A command sent from a route: its envelope says who sent it and with which key. */
export type SentCommand<R> = Command<R> & { readonly envelope: CommandEnvelope };

/**
 * How controllers send commands (instead of the `CommandBus` itself, which no controller injects: a test holds every
 * controller to that, so no command route can skip the key check).
 */
@Injectable()
export class CommandSender {
  constructor(
    private readonly bus: CommandBus,
    @Inject(IdempotencyKeys) private readonly keys: IdempotencyKeys,
  ) {}

  send<R>(command: SentCommand<R>): Promise<R> {
    const binding = command.envelope.idempotency;
    if (binding === undefined) return this.bus.execute(command);
    return this.keys.exclusive(binding, () => this.bus.execute(command));
  }
}

/**
 * The process's one `IdempotencyKeys` (it serialises requests with one key, so every command route must share it),
 * and the `CommandSender` over it.
 */
@Global()
@Module({
  providers: [
    { provide: IdempotencyKeys, inject: [EVENT_STORE], useFactory: (store: EventStore) => new IdempotencyKeys(store) },
    CommandSender,
  ],
  exports: [IdempotencyKeys, CommandSender],
})
export class CommandSenderModule {}

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
