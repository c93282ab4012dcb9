import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AssignmentAnswer, AssignmentCommandHandler } from '../run-assignment-command';
import { AssignLicenseCommand } from './assign-license.command';

@CommandHandler(AssignLicenseCommand)
export class AssignLicenseHandler
  extends AssignmentCommandHandler
  implements ICommandHandler<AssignLicenseCommand, AssignmentAnswer>
{
  execute({ tenantId, userId, owner, module, envelope }: AssignLicenseCommand): Promise<AssignmentAnswer> {
    return this.runAssignment(tenantId, userId, envelope, (metadata) => ({
      type: 'AssignLicense',
      data: { userId, owner, module },
      metadata,
    }));
  }
}
