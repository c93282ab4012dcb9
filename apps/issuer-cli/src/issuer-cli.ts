import { Command, CommanderError } from 'commander';
import { checkPackageCommand } from './check-package.command';
import { EXIT_BAD_INPUT, EXIT_OK, messageOf, UsageError } from './cli-errors';
import { CliIo, processIo } from './cli-io';
import { createRootCommand } from './create-root.command';
import { issueOwnerCommand } from './issue-owner.command';
import { signPackageCommand } from './sign-package.command';

/** Runs one command line and answers its exit code; never exits the process itself, so specs can run it in-process. */
export async function runIssuerCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('issuer-cli')
    .description("the license issuer's tools: roots, owner certificates, signed license packages (license-package/v1)")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
  const commands = [
    createRootCommand(io),
    issueOwnerCommand(io),
    signPackageCommand(io),
    checkPackageCommand(io, (code) => (exitCode = code)),
  ];
  for (const command of commands) {
    // Subcommands made with `new Command` do not inherit these from the program.
    command.exitOverride().configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
    program.addCommand(command);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // commander has already printed its one line
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      return error.exitCode;
    }
    io.err(`error: unexpected: ${messageOf(error)}`);
    return EXIT_BAD_INPUT;
  }
}
