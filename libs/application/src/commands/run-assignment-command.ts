import { assignmentOutcome, LedgerCommand, ledgerStream } from '@app/domain';
import type { CommandEnvelope } from '../command-events';
import type { LedgerRunner } from '../ports/ledger-runner.port';
import { CommandRefusedError } from './command-refused.error';

/** What an assignment-like command changed for the user: the licenses given and taken, and the position. */
export interface AssignmentAnswer {
  assigned: string[];
  released: string[];
  position: string;
}

/** The shared path of every assignment-like command: run it on the tenant's ledger and answer what changed. */
export async function runAssignmentCommand(
  runner: LedgerRunner,
  tenantId: string,
  userId: string,
  command: LedgerCommand,
  envelope: CommandEnvelope,
): Promise<AssignmentAnswer> {
  const outcome = await runner.run(ledgerStream(tenantId), command, envelope, (state, events) =>
    assignmentOutcome(state, userId, events),
  );
  if (outcome.kind === 'refused') throw new CommandRefusedError(outcome.refusal);
  const { assigned, released } = outcome.summary;
  return { assigned, released, position: String(outcome.position ?? 0n) };
}
