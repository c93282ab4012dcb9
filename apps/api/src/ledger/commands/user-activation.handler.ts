import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '../../common/clock';
import { LEDGER_RUNNER, LedgerRunner } from '../ledger.tokens';
import type { AssignmentAnswer } from './assign-license.command';
import { runAssignmentCommand } from './run-ledger-command';
import { DeactivateUserCommand, ReactivateUserCommand } from './user-activation.command';

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

@CommandHandler(ReactivateUserCommand)
export class ReactivateUserHandler implements ICommandHandler<ReactivateUserCommand, AssignmentAnswer> {
  constructor(
    @Inject(LEDGER_RUNNER) private readonly runner: LedgerRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ tenantId, userId, envelope }: ReactivateUserCommand): Promise<AssignmentAnswer> {
    const metadata = { now: this.clock.now(), actor: envelope.actor };
    return runAssignmentCommand(
      this.runner,
      tenantId,
      userId,
      { type: 'ReactivateUser', data: { userId }, metadata },
      envelope,
    );
  }
}
