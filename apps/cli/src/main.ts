import { Command } from 'commander';
import { ConfigError } from '@app/config';
import { auditCommand } from './audit.command';
import { keysCommand } from './keys.command';
import { projectionsCommand } from './projections.command';

/** The operators' and auditors' CLI: `licensing <command>`; it reads the same configuration as the service. */
const program = new Command('licensing')
  .description('licensing backend operations')
  .addCommand(projectionsCommand())
  .addCommand(auditCommand())
  .addCommand(keysCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
});
