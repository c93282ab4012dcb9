import { Body, Controller, Delete, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { DeleteSystemEventCommand, StartSystemEventCommand, UpdateSystemEventCommand } from '@app/application';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../../auth/request-principal';
import { commandEnvelope } from '../../common/command-context';
import { CommandSender } from '../../common/command-sender';
import { ProblemException } from '../../problem/problem';
import { TenantId } from '../../common/id-params';
import { ApiAnswer, ApiCommand, ApiProblems } from '../../openapi/api-decorators';
import { systemEventKeyOf } from './system-event-key';
import { StartSystemEventDto, UpdateSystemEventDto } from './system-event.dto';
import { Access } from '../../auth/access.decorator';

@ApiTags('system events')
@Controller('v1/tenants/:tenantId/system-events')
export class SystemEventsController {
  constructor(private readonly commands: CommandSender) {}

  @Post()
  @Access(Access.systemEvents)
  @HttpCode(201)
  @ApiCommand()
  @ApiAnswer(201, 'SystemEventAnswer', 'the event as it now stands')
  @ApiProblems('invalid-request', 'system-event-exists', 'reserved-event-key', 'not-a-notice-key')
  start(@TenantId() tenantId: string, @Body() body: StartSystemEventDto, @Req() request: FastifyRequest) {
    const envelope = commandEnvelope(request, tenantId, body.commandId);
    const key = { eventKey: body.eventKey, scope: body.scope, owner: body.owner ?? null };
    const details = {
      status: body.status ?? 'active',
      message: body.message ?? '',
      eta: body.eta ?? null,
      activatedBy: activatedByOf(request, body.activatedBy),
    };
    return this.commands.send(new StartSystemEventCommand(tenantId, key, details, envelope));
  }

  @Patch(':eventKey')
  @Access(Access.systemEvents)
  @ApiQuery({ name: 'scope', required: true, enum: [1, 2, 3, 4] })
  @ApiQuery({ name: 'owner', required: false, description: 'the group (scope 3) or user (scope 4)' })
  @ApiCommand()
  @ApiAnswer(200, 'SystemEventAnswer', 'the event as it now stands')
  @ApiProblems('invalid-request', 'system-event-not-found', 'reserved-event-key', 'not-a-notice-key')
  update(
    @TenantId() tenantId: string,
    @Param('eventKey') eventKey: string,
    @Query('scope') scope: string | undefined,
    @Query('owner') owner: string | undefined,
    @Body() body: UpdateSystemEventDto,
    @Req() request: FastifyRequest,
  ) {
    const key = systemEventKeyOf(eventKey, scope, owner);
    const envelope = commandEnvelope(request, tenantId, body.commandId);
    const changes = Object.fromEntries(
      Object.entries({ status: body.status, message: body.message, eta: body.eta }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    return this.commands.send(new UpdateSystemEventCommand(tenantId, key, changes, envelope));
  }

  @Delete(':eventKey')
  @Access(Access.systemEvents)
  @ApiQuery({ name: 'scope', required: true, enum: [1, 2, 3, 4] })
  @ApiQuery({ name: 'owner', required: false, description: 'the group (scope 3) or user (scope 4)' })
  @ApiCommand()
  @ApiAnswer(200, 'SystemEventDeleted', 'the event is no longer live')
  @ApiProblems('invalid-request', 'system-event-not-found', 'reserved-event-key', 'not-a-notice-key')
  remove(
    @TenantId() tenantId: string,
    @Param('eventKey') eventKey: string,
    @Query('scope') scope: string | undefined,
    @Query('owner') owner: string | undefined,
    @Req() request: FastifyRequest,
  ) {
    const key = systemEventKeyOf(eventKey, scope, owner);
    return this.commands.send(new DeleteSystemEventCommand(tenantId, key, commandEnvelope(request, tenantId)));
  }
}

/**
 * "Activated by" is the caller: the key's name or the token's `sub`. A body `activatedBy` may repeat it but not name
 * someone else, so nobody can start a notice in another's name. While access is open (development, no
 * credentials configured) the body's value is taken as given, as before, and defaults to `anonymous`.
 */
function activatedByOf(request: FastifyRequest, claimed: string | undefined): string {
  const principal = principalOf(request);
  if (principal === undefined) throw new Error('no principal on a guarded route');
  if (principal.via === 'open') return claimed ?? principal.actor;
  if (claimed !== undefined && claimed !== principal.actor) {
    throw ProblemException.of(
      400,
      'invalid-request',
      'Invalid request',
      'activatedBy is the caller; leave it out or give your own actor name',
      {
        errors: [{ field: 'activatedBy', messages: [`must be '${principal.actor}' (the caller) or left out`] }],
      },
    );
  }
  return principal.actor;
}
