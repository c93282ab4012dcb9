import { Injectable, OnModuleInit } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_METADATA, AccessRule } from './access.decorator';

export interface DeclaredRoute {
  route: string;
  access: AccessRule | undefined;
}

/** Every controller route of the application, with the access it declares (undefined: none). */
export function declaredRoutes(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      routes.push({
        route: `${controller.name}.${name}`,
        access: reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [handler, controller]),
      });
    }
  }
  return routes;
}

/**
 * Refuses to start an application with a route that declares no access, so a new route fails every test that
 * starts the API instead of waiting for a request to find it (the guard refuses such a route as well).
 */
@Injectable()
export class AccessDeclarationsCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const undeclared = declaredRoutes(this.discovery, this.scanner, this.reflector).filter(
      ({ access }) => access === undefined,
    );
    if (undeclared.length > 0) {
      throw new Error(
        `routes without a declared access (@Access or @Public): ${undeclared.map(({ route }) => route).join(', ')}`,
      );
    }
  }
}
