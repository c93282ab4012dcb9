import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { CLIENT_TYPES_FILE, generateClientTypes, ROOT } from './client-types';

/**
 * `npm run client:generate` writes libs/client/src/generated/openapi.ts from the API's OpenAPI document;
 * `npm run client:check` (CI, and libs/client/test/client-types.spec.ts) exits 1 when the checked-in file differs.
 */
const checkAt = process.argv.indexOf('--check');
const check = checkAt !== -1;
// `--check <file>` compares another copy (the drift test's); by default the checked-in file.
const target = check && process.argv[checkAt + 1] ? process.argv[checkAt + 1] : CLIENT_TYPES_FILE;
const file = relative(ROOT, target);

generateClientTypes().then(
  (types) => {
    if (!check) {
      writeFileSync(CLIENT_TYPES_FILE, types);
      process.stdout.write(`wrote ${file}\n`);
      process.exit(0);
    }
    const current = readFileSync(target, 'utf8');
    if (current === types) {
      process.stdout.write(`${file} matches the OpenAPI document\n`);
      process.exit(0);
    }
    process.stderr.write(
      `${file} differs from what the OpenAPI document generates: run npm run client:generate and commit it\n`,
    );
    process.exit(1);
  },
  (error: unknown) => {
    process.stderr.write(`client types: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
