import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AssignmentAnswer, AssignmentCommandHandler } from '../run-assignment-command';
import { UnassignLicenseCommand } from './unassign-license.command';

@CommandHandler(UnassignLicenseCommand)
export class UnassignLicenseHandler
  extends AssignmentCommandHandler
  implements ICommandHandler<UnassignLicenseCommand, AssignmentAnswer>
{
  execute({ tenantId, userId, owner, module, envelope }: UnassignLicenseCommand): Promise<AssignmentAnswer> {
    return this.runAssignment(tenantId, userId, envelope, (metadata) => ({
      type: 'UnassignLicense',
      data: { userId, owner, module },
      metadata,
    }));
  }
}
