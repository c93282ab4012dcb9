import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '../../ports/clock.port';
import { LEDGER_RUNNER, LedgerRunner } from '../../ports/ledger-runner.port';
import { AssignmentAnswer, runAssignmentCommand } from '../run-assignment-command';
import { UnassignLicenseCommand } from './unassign-license.command';

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
