import type { Principal } from '@app/access';
import type { FastifyRequest } from 'fastify';

/** The principal the guard established for a request, kept beside the request rather than on it. */
const principals = new WeakMap<object, Principal>();

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  principals.set(request, principal);
}

/** Undefined only on a public route called without a valid credential. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}
