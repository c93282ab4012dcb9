import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { passwordOf, secretScrubber } from '@app/config';

/**
 * The client parses the connection string synchronously and prints its warnings (an unknown option, a deprecated
 * scheme) with console.warn, quoting the whole string — password included. The parse is synchronous, so console.warn
 * is borrowed for exactly its duration, and each warning goes on with every form of the password masked.
 */
export function parseQuietly(url: string, onWarning: ((message: string) => void) | undefined): KurrentDBClient {
  const scrub = secretScrubber([passwordOf(url)].filter((p): p is string => p !== null));
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    return KurrentDBClient.connectionString(url);
  } finally {
    console.warn = original;
    const tell = onWarning ?? ((message: string) => process.stderr.write(`${message}\n`));
    for (const warning of warnings)
      tell(
        scrub(warning)
          .replace(/\n\s*\^+\s*$/, '')
          .replace(/\n/g, ' '),
      );
  }
}
