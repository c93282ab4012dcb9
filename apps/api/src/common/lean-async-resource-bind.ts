import { AsyncResource } from 'node:async_hooks';

/**
 * Binds `fn` to run in `resource`'s async scope, as `AsyncResource.prototype.bind` does, without the deprecated
 * `asyncResource` property (DEP0172) Node 20 attaches to every bound function. That property is defined through
 * `util.deprecate`, which makes two closures per call and re-prototypes each onto a fresh function: two new hidden
 * classes per bind, allocated where only a full collection frees them (nodejs/node#58218; later lines no longer
 * modify the prototype, nodejs/node#59195).
 *
 * Fastify binds once per request with a body (`ContentTypeParser.run`). Measured on the built API (issue 15, goal 3,
 * bench/PROFILES.md "Session 26"): the no-op route's main thread 127 → 74 µs per request and its minor page faults
 * 1.29 → 0.01 per request; single usage records 281 → 211 µs. `this`, the arguments and the async context are the
 * same as the original's (lean-async-resource-bind.spec).
 */
type Callback = (...args: unknown[]) => unknown;

function leanBind(this: AsyncResource, fn: Callback, thisArg?: unknown): Callback {
  if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
  return bindTo(this, fn, thisArg);
}

/** Without a `thisArg`, the bound function passes on the `this` it is called with, as Node's does. */
function bindTo(resource: AsyncResource, fn: Callback, thisArg: unknown): Callback {
  if (thisArg !== undefined) return (...args: unknown[]) => resource.runInAsyncScope(fn, thisArg, ...args);
  return function bound(this: unknown, ...args: unknown[]) {
    return resource.runInAsyncScope(fn, this, ...args);
  };
}

/** Where the first install keeps Node's own `bind` (the process may build several apps: the tests do). */
const NODE_BIND = Symbol.for('licensing.node-async-resource-bind');

/** Installs `leanBind` as `AsyncResource.prototype.bind` for this process (the API's `createApp`). */
export function useLeanAsyncResourceBind(): void {
  if (!Object.hasOwn(AsyncResource.prototype, NODE_BIND)) {
    Object.defineProperty(AsyncResource.prototype, NODE_BIND, { value: AsyncResource.prototype.bind });
  }
  AsyncResource.prototype.bind = leanBind as typeof AsyncResource.prototype.bind;
}

/** Node's own `bind`, whether or not the lean one was installed (the specs compare the two). */
export function nodeAsyncResourceBind(): typeof AsyncResource.prototype.bind {
  const kept: unknown = Reflect.get(AsyncResource.prototype, NODE_BIND);
  return typeof kept === 'function' ? (kept as typeof AsyncResource.prototype.bind) : AsyncResource.prototype.bind;
}
