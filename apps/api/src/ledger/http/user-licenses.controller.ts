import { Body, Controller, Delete, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  AssignLicenseCommand,
  DeactivateUserCommand,
  ReactivateUserCommand,
  UnassignLicenseCommand,
} from '@app/application';
import { DEFAULT_OWNER, isOwnerName, OWNER_NAME_RULE } from '@app/domain';
import { commandEnvelope } from '../../common/command-context';
import { CommandSender } from '../../common/command-sender';
import { ModuleName, TenantId, UserId } from '../../common/id-params';
import { ProblemException } from '../../problem/problem';
import { ApiAnswer, ApiCommand, ApiProblems } from '../../openapi/api-decorators';
import { AssignLicenseDto } from './license-package.dto';
import { Access } from '../../auth/access.decorator';

@ApiTags('assignments')
@Controller('v1/tenants/:tenantId/users/:userId')
export class UserLicensesController {
  constructor(private readonly commands: CommandSender) {}

  @Post('licenses')
  @Access(Access.ledgerCommands)
  @HttpCode(201)
  @ApiCommand()
  @ApiAnswer(201, 'AssignmentAnswer', 'a plan brings its set=, switching plans releases the old one')
  @ApiProblems(
    'unknown-tenant',
    'cap-exceeded',
    'already-assigned',
    'unknown-owner',
    'unknown-module',
    'not-a-user-license',
    'prerequisite-missing',
    'user-inactive',
    'grace-period-ended',
  )
  assign(
    @TenantId() tenantId: string,
    @UserId() userId: string,
    @Body() body: AssignLicenseDto,
    @Req() request: FastifyRequest,
  ) {
    const envelope = commandEnvelope(request, tenantId, body.commandId);
    return this.commands.send(
      new AssignLicenseCommand(tenantId, userId, body.owner ?? DEFAULT_OWNER, body.module, envelope),
    );
  }

  @Delete('licenses/:module')
  @Access(Access.ledgerCommands)
  @ApiQuery({ name: 'owner', required: false })
  @ApiCommand()
  @ApiAnswer(200, 'AssignmentAnswer', 'the licenses released (a plan releases the licenses it brought)')
  @ApiProblems(
    'unknown-tenant',
    'not-held',
    'unknown-owner',
    'unknown-module',
    'prerequisite-in-use',
    'implied-by-plan',
  )
  unassign(
    @TenantId() tenantId: string,
    @UserId() userId: string,
    @ModuleName() module: string,
    @Query('owner') owner: string | undefined,
    @Req() request: FastifyRequest,
  ) {
    if (owner !== undefined && !isOwnerName(owner)) {
      throw ProblemException.of(400, 'bad-request', 'Bad request', `owner: ${OWNER_NAME_RULE}`, {
        errors: [{ field: 'owner', messages: [OWNER_NAME_RULE] }],
      });
    }
    const envelope = commandEnvelope(request, tenantId);
    return this.commands.send(new UnassignLicenseCommand(tenantId, userId, owner ?? DEFAULT_OWNER, module, envelope));
  }

  @Post('deactivate')
  @Access(Access.ledgerCommands)
  @HttpCode(200)
  @ApiCommand()
  @ApiAnswer(200, 'AssignmentAnswer', "deactivation releases all of the user's licenses")
  @ApiProblems('unknown-tenant')
  deactivate(@TenantId() tenantId: string, @UserId() userId: string, @Req() request: FastifyRequest) {
    return this.commands.send(new DeactivateUserCommand(tenantId, userId, commandEnvelope(request, tenantId)));
  }

  @Post('reactivate')
  @Access(Access.ledgerCommands)
  @HttpCode(200)
  @ApiCommand()
  @ApiAnswer(200, 'AssignmentAnswer', 'the user may be given licenses again')
  @ApiProblems('unknown-tenant')
  reactivate(@TenantId() tenantId: string, @UserId() userId: string, @Req() request: FastifyRequest) {
    return this.commands.send(new ReactivateUserCommand(tenantId, userId, commandEnvelope(request, tenantId)));
  }
}
