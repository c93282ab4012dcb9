import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '../../ports/clock.port';
import { LEDGER_RUNNER, LedgerRunner } from '../../ports/ledger-runner.port';
import { AssignmentAnswer, runAssignmentCommand } from '../run-assignment-command';
import { AssignLicenseCommand } from './assign-license.command';

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
