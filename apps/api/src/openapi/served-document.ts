import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@app/config';
import { createApp } from '../create-app';
import { buildOpenApiDocument } from './openapi-document';

/**
 * The document the API serves at /docs/json, built without a port from a throw-away embedded store: what the typed
 * client (libs/client) is generated from, and what its drift test compares with.
 */
export async function servedOpenApiDocument(rootDir: string): Promise<OpenAPIObject> {
  const dataDir = mkdtempSync(join(tmpdir(), 'licensing-openapi-'));
  const app = await createApp(loadConfig({ LICENSING_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, rootDir));
  try {
    await app.init();
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
