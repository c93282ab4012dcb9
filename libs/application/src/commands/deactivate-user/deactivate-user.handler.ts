import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '../../ports/clock.port';
import { LEDGER_RUNNER, LedgerRunner } from '../../ports/ledger-runner.port';
import { AssignmentAnswer, runAssignmentCommand } from '../run-assignment-command';
import { DeactivateUserCommand } from './deactivate-user.command';

@CommandHandler(DeactivateUserCommand)
export class DeactivateUserHandler implements ICommandHandler<DeactivateUserCommand, AssignmentAnswer> {
  constructor(
    @Inject(LEDGER_RUNNER) private readonly runner: LedgerRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ tenantId, userId, envelope }: DeactivateUserCommand): Promise<AssignmentAnswer> {
    const metadata = { now: this.clock.now(), actor: envelope.actor };
    return runAssignmentCommand(
      this.runner,
      tenantId,
      userId,
      { type: 'DeactivateUser', data: { userId }, metadata },
      envelope,
    );
  }
}
