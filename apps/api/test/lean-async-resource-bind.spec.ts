import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import { rmSync } from 'node:fs';
import { nodeAsyncResourceBind, useLeanAsyncResourceBind } from '../src/common/lean-async-resource-bind';
import { startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';

/**
 * Issue 15, goal 3: `AsyncResource.prototype.bind` without Node 20's deprecated `asyncResource` property, whose
 * `util.deprecate` re-prototyped two fresh closures per bind (Fastify binds once per request body). The binding
 * itself must be what Node's is: the resource's async scope, the caller's `this` or the given one, the arguments,
 * the answer, and the async context of where the resource was made.
 */
describe('the lean AsyncResource.prototype.bind', () => {
  const original = AsyncResource.prototype.bind;
  beforeAll(() => useLeanAsyncResourceBind());
  afterAll(() => {
    AsyncResource.prototype.bind = original;
  });

  it('adds no deprecated property and leaves the prototype alone (Node 20 defines both)', () => {
    const resource = new AsyncResource('test');
    const bound = resource.bind(() => 1);
    expect(Object.getOwnPropertyNames(bound)).not.toContain('asyncResource');
    expect(Object.getPrototypeOf(bound)).toBe(Function.prototype);
    // Node's own, for contrast (kept by the first install, also when another suite of this process made an app):
    // its accessor is what `util.deprecate` made.
    const nodeBound = nodeAsyncResourceBind().call(resource, () => 1);
    expect(Object.getOwnPropertyNames(nodeBound)).toContain('asyncResource');
  });

  it("runs in the resource's scope with the caller's this, the arguments and the answer", () => {
    const resource = new AsyncResource('test');
    const seen: Array<{ id: number; self: unknown; args: unknown[] }> = [];
    const bound = resource.bind(function (this: unknown, ...args: unknown[]) {
      seen.push({ id: executionAsyncId(), self: this, args });
      return args.length;
    });
    const self = { name: 'caller' };
    expect(bound.call(self, 'a', 2)).toBe(2);
    expect(seen).toEqual([{ id: resource.asyncId(), self, args: ['a', 2] }]);
    // A given `this` (the static bind passes it on to the instance's).
    const withThis = AsyncResource.bind(
      function (this: unknown) {
        return this;
      },
      'test',
      self,
    );
    expect(withThis.call({ other: true })).toBe(self);
  });

  it('carries the async context of where the resource was made, as Fastify relies on', async () => {
    const storage = new AsyncLocalStorage<string>();
    const bound = storage.run('request-1', () => new AsyncResource('test').bind(() => storage.getStore()));
    await new Promise((resolve) => setImmediate(resolve));
    expect(storage.run('other', () => bound())).toBe('request-1');
  });

  it('refuses what is not a function, as Node does', () => {
    expect(() => Reflect.apply(AsyncResource.prototype.bind, new AsyncResource('test'), [42])).toThrow(TypeError);
  });

  it('is what the API application installs', async () => {
    AsyncResource.prototype.bind = nodeAsyncResourceBind();
    expect(Object.getOwnPropertyNames(new AsyncResource('test').bind(() => 1))).toContain('asyncResource');
    const config = testConfig();
    const app = await startTestApp(config);
    try {
      expect(Object.getOwnPropertyNames(new AsyncResource('test').bind(() => 1))).not.toContain('asyncResource');
    } finally {
      await app.close();
      rmSync(config.dataDir, { recursive: true, force: true });
    }
  });
});
