import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '../../common/clock';
import { LEDGER_RUNNER, LedgerRunner } from '../ledger.tokens';
import { AssignLicenseCommand, AssignmentAnswer, UnassignLicenseCommand } from './assign-license.command';
import { runAssignmentCommand } from './run-ledger-command';

@CommandHandler(AssignLicenseCommand)
export class AssignLicenseHandler implements ICommandHandler<AssignLicenseCommand, AssignmentAnswer> {
  constructor(
    @Inject(LEDGER_RUNNER) private readonly runner: LedgerRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ tenantId, userId, owner, module, envelope }: AssignLicenseCommand): Promise<AssignmentAnswer> {
    return runAssignmentCommand(
      this.runner,
      tenantId,
      userId,
      {
        type: 'AssignLicense',
        data: { userId, owner, module },
        metadata: { now: this.clock.now(), actor: envelope.actor },
      },
      envelope,
    );
  }
}

@CommandHandler(UnassignLicenseCommand)
export class UnassignLicenseHandler implements ICommandHandler<UnassignLicenseCommand, AssignmentAnswer> {
  constructor(
    @Inject(LEDGER_RUNNER) private readonly runner: LedgerRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ tenantId, userId, owner, module, envelope }: UnassignLicenseCommand): Promise<AssignmentAnswer> {
    return runAssignmentCommand(
      this.runner,
      tenantId,
      userId,
      {
        type: 'UnassignLicense',
        data: { userId, owner, module },
        metadata: { now: this.clock.now(), actor: envelope.actor },
      },
      envelope,
    );
  }
}
