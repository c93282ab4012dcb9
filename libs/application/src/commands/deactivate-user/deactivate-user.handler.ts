import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AssignmentAnswer, AssignmentCommandHandler } from '../run-assignment-command';
import { DeactivateUserCommand } from './deactivate-user.command';

@CommandHandler(DeactivateUserCommand)
export class DeactivateUserHandler
  extends AssignmentCommandHandler
  implements ICommandHandler<DeactivateUserCommand, AssignmentAnswer>
{
  execute({ tenantId, userId, envelope }: DeactivateUserCommand): Promise<AssignmentAnswer> {
    return this.runAssignment(tenantId, userId, envelope, (metadata) => ({
      type: 'DeactivateUser',
      data: { userId },
      metadata,
    }));
  }
}
