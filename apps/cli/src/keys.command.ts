import { Command, InvalidArgumentError, Option } from 'commander';
import { createApiKey, isTenantScope, KEY_NAME_PATTERN, Role, ROLES } from '@app/access';

/**
 * `keys create --name billing --role service --tenant Cust12345`: a new random secret (256 bits, base64url), shown
 * once on stdout, and the entry to configure (`LICENSING_API_KEYS` or a line of `LICENSING_API_KEYS_FILE`), which
 * holds only the secret's SHA-256. Nothing is stored: the operator hands the secret to the caller and configures
 * the entry.
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description('API keys for the HTTP API (DESIGN.md §6)');
  keys
    .command('create')
    .description('print a new secret once, and the entry that configures its hash')
    .requiredOption('--name <name>', 'the actor name the history records (letters, digits, _ . -)', (value) =>
      checked(value, KEY_NAME_PATTERN.test(value), 'a name of letters, digits, _ . or -, at most 64'),
    )
    .addOption(new Option('--role <role>', 'what the key may do').choices(ROLES).makeOptionMandatory())
    .requiredOption('--tenant <tenant>', 'the tenant id the key covers, or * for every tenant', (value) =>
      checked(value, isTenantScope(value), 'a tenant id or *'),
    )
    .action((options: { name: string; role: Role; tenant: string }) => {
      const { secret, entry } = createApiKey(options.name, options.role, options.tenant);
      process.stdout.write(
        [
          `secret (shown once; give it to the caller, who sends "Authorization: Bearer <secret>"):`,
          `  ${secret}`,
          `entry (configure it in LICENSING_API_KEYS, comma-separated, or as a line of LICENSING_API_KEYS_FILE):`,
          `  ${entry}`,
          '',
        ].join('\n'),
      );
    });
  return keys;
}

function checked(value: string, ok: boolean, expected: string): string {
  if (!ok) throw new InvalidArgumentError(`expected ${expected}`);
  return value;
}
