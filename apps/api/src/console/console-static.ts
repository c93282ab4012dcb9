import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Where the built console is: `LICENSING_CONSOLE_DIR` when set (the browser tests build it into a directory of their
 * own), else `dist/console` of the checkout, which `npm run build` writes. From `dist/apps/api/src/console` and from
 * `apps/api/src/console` (ts-node) alike, four levels up is `dist/` or the checkout.
 */
export function consoleDirectory(): string | null {
  const configured = process.env.LICENSING_CONSOLE_DIR;
  if (configured) return resolve(configured);
  const up = resolve(__dirname, '..', '..', '..', '..');
  for (const candidate of [join(up, 'console'), join(up, 'dist', 'console')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

/** Serves the console's static files at `/console/` (public: the data behind them needs a credential). */
export function serveConsole(app: NestFastifyApplication): void {
  const root = consoleDirectory();
  if (root === null || !existsSync(join(root, 'index.html'))) {
    new Logger('Console').warn('the console is not built (run npm run build): /console is not served');
    return;
  }
  // max-age 0 with ETag and Last-Modified: browsers revalidate, so a new build is picked up at once.
  app.useStaticAssets({ root, prefix: '/console/', redirect: true, maxAge: 0 });
}
