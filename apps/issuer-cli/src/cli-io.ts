/** Where a command writes and what time it is: the process in production, a recorder in specs. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  now(): Date;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  now: () => new Date(),
};
