import { rmSync } from 'node:fs';
import { INTERCEPTORS_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { DECORATORS } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { CommandSender } from '../src/common/command-sender';
import { startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';

interface Parameter {
  name: string;
  in: string;
}

interface RouteFacts {
  route: string;
  command: boolean;
  interceptors: unknown[];
  injects: unknown[];
}

/**
 * Issue 15, goal 4: command routes run no Nest interceptor (the chain's rxjs plumbing and `AsyncResource.bind`s cost
 * every request, key or not); the idempotency-key check is made where the command is sent (`CommandSender`), and no
 * controller can skip it by sending through the `CommandBus` itself.
 */
describe('command routes', () => {
  let config: AppConfig;
  let app: NestFastifyApplication;
  let routes: RouteFacts[];

  beforeAll(async () => {
    config = testConfig();
    app = await startTestApp(config);
    routes = routeFacts(app.get(DiscoveryService), app.get(MetadataScanner));
  });
  afterAll(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('run through no interceptor, on the route or its controller', () => {
    const commands = routes.filter(({ command }) => command);
    // DESIGN §5's command routes that write (activation, assignments, users, metering, system events): ten today.
    expect(commands.length).toBeGreaterThanOrEqual(10);
    expect(routes.filter(({ interceptors }) => interceptors.length > 0).map(({ route }) => route)).toEqual([]);
  });

  it('belong to controllers that send through CommandSender, and no controller injects the CommandBus', () => {
    expect(routes.filter(({ injects }) => injects.includes(CommandBus)).map(({ route }) => route)).toEqual([]);
    const unchecked = routes.filter(({ command, injects }) => command && !injects.includes(CommandSender));
    expect(unchecked.map(({ route }) => route)).toEqual([]);
  });
});

/** Every controller route: whether it is a command (takes an Idempotency-Key), its interceptors, what it injects. */
function routeFacts(discovery: DiscoveryService, scanner: MetadataScanner): RouteFacts[] {
  const facts: RouteFacts[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const injects = (Reflect.getMetadata('design:paramtypes', controller) as unknown[] | undefined) ?? [];
    const onController = (Reflect.getMetadata(INTERCEPTORS_METADATA, controller) as unknown[] | undefined) ?? [];
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      // `@ApiHeader` on a method is an OpenAPI parameter `in: header`.
      const parameters = (Reflect.getMetadata(DECORATORS.API_PARAMETERS, handler) as Parameter[] | undefined) ?? [];
      const onRoute = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? [];
      facts.push({
        route: `${controller.name}.${name}`,
        command: parameters.some(({ name, in: where }) => where === 'header' && name === 'Idempotency-Key'),
        interceptors: [...onController, ...onRoute],
        injects,
      });
    }
  }
  return facts;
}
