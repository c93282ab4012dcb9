/** Exit codes: 0 all holds, 1 bad input (arguments, files, descriptions), 2 a package that fails the check. */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_CHECK_FAILED = 2;

/** Bad input from the user: reported as one line on stderr, exit code 1. */
export class UsageError extends Error {
  readonly exitCode = EXIT_BAD_INPUT;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
