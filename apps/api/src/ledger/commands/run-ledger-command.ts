import { assignmentOutcome, LedgerCommand, ledgerStream } from '@app/domain';
import type { CommandEnvelope } from '@app/application';
import { refusalProblem } from '../../problem/refusal-problem';
import type { LedgerRunner } from '../ledger.tokens';
import type { AssignmentAnswer } from './assign-license.command';

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
  if (outcome.kind === 'refused') throw refusalProblem(outcome.refusal);
  const { assigned, released } = outcome.summary;
  return { assigned, released, position: String(outcome.position ?? 0n) };
}
