import type { LoggerService } from '@nestjs/common';
import type { Options } from 'pino-http';

/** Nest's start-up chatter (one line per module and per route mapped): useful when debugging, noise otherwise. */
const STARTUP_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/** The app's logger, with Nest's start-up lines moved from info to debug (LOG_LEVEL=debug shows them again). */
export class QuietStartupLogger implements LoggerService {
  constructor(private readonly logger: LoggerService) {}

  log(message: unknown, ...rest: unknown[]): void {
    if (STARTUP_CONTEXTS.has(String(rest[rest.length - 1]))) this.logger.debug?.(message, ...rest);
    else this.logger.log(message, ...rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.logger.error(message, ...rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.logger.warn(message, ...rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.logger.debug?.(message, ...rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.logger.verbose?.(message, ...rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    (this.logger.fatal ?? this.logger.error).call(this.logger, message, ...rest);
  }
}

/**
 * In development at a terminal, log lines are pretty-printed (pino-pretty: local time, one line each); piped or in
 * production they stay JSON, one object a line, for the log collector.
 */
export function prettyWhenInteractive(): Pick<Options, 'transport'> {
  if (!process.stdout.isTTY || process.env.NODE_ENV === 'production') return {};
  return {
    transport: {
      target: 'pino-pretty',
      options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,req,res' },
    },
  };
}
