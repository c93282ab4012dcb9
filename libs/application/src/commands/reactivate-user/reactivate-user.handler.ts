import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AssignmentAnswer, AssignmentCommandHandler } from '../run-assignment-command';
import { ReactivateUserCommand } from './reactivate-user.command';

@CommandHandler(ReactivateUserCommand)
export class ReactivateUserHandler
  extends AssignmentCommandHandler
  implements ICommandHandler<ReactivateUserCommand, AssignmentAnswer>
{
  execute({ tenantId, userId, envelope }: ReactivateUserCommand): Promise<AssignmentAnswer> {
    return this.runAssignment(tenantId, userId, envelope, (metadata) => ({
      type: 'ReactivateUser',
      data: { userId },
      metadata,
    }));
  }
}
