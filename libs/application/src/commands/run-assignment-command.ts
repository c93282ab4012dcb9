import { Inject } from '@nestjs/common';
import { assignmentOutcome, CommandMetadata, LedgerCommand, ledgerStream } from '@app/domain';
import type { CommandEnvelope } from '../command-events';
import { CLOCK, Clock } from '../ports/clock.port';
import { LEDGER_RUNNER, LedgerRunner } from '../ports/ledger-runner.port';
import { CommandRefusedError } from './command-refused.error';

/** What an assignment-like command changed for the user: the licenses given and taken, and the position. */
export interface AssignmentAnswer {
  assigned: string[];
  released: string[];
  position: string;
}

/**
 * The shared path of every assignment-like command (assign, unassign, deactivate, reactivate): stamp it with the
 * clock and the actor, run it on the tenant's ledger and answer what changed for the user. Each command keeps its own
 * handler class (one per command type on the bus); they inherit this constructor and its injections.
 */
export abstract class AssignmentCommandHandler {
  constructor(
    @Inject(LEDGER_RUNNER) private readonly runner: LedgerRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  protected async runAssignment(
    tenantId: string,
    userId: string,
    envelope: CommandEnvelope,
    command: (metadata: CommandMetadata) => LedgerCommand,
  ): Promise<AssignmentAnswer> {
    const metadata = { now: this.clock.now(), actor: envelope.actor };
    const outcome = await this.runner.run(ledgerStream(tenantId), command(metadata), envelope, (state, events) =>
      assignmentOutcome(state, userId, events),
    );
    if (outcome.kind === 'refused') throw new CommandRefusedError(outcome.refusal);
    const { assigned, released } = outcome.summary;
    return { assigned, released, position: String(outcome.position ?? 0n) };
  }
}
