import { Body, Controller, Delete, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { commandEnvelope } from '../../common/command-context';
import { TenantId } from '../../common/id-params';
import { ApiAnswer, ApiCommand, ApiProblems } from '../../openapi/api-decorators';
import { DeleteSystemEventCommand, StartSystemEventCommand, UpdateSystemEventCommand } from '../commands/system-event.command';
import { systemEventKeyOf } from './system-event-key';
import { StartSystemEventDto, UpdateSystemEventDto } from './system-event.dto';

@ApiTags('system events')
@Controller('v1/tenants/:tenantId/system-events')
export class SystemEventsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCommand()
  @ApiAnswer(201, 'SystemEventAnswer', 'the event as it now stands')
  @ApiProblems('invalid-request', 'system-event-exists', 'reserved-event-key', 'not-a-notice-key')
  start(@TenantId() tenantId: string, @Body() body: StartSystemEventDto, @Req() request: FastifyRequest) {
    const envelope = commandEnvelope(request, tenantId, body.commandId);
    const key = { eventKey: body.eventKey, scope: body.scope, owner: body.owner ?? null };
    const details = { status: body.status ?? 'active', message: body.message ?? '', eta: body.eta ?? null, activatedBy: body.activatedBy };
    return this.commands.execute(new StartSystemEventCommand(tenantId, key, details, envelope));
  }

  @Patch(':eventKey')
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
    const changes = Object.fromEntries(Object.entries({ status: body.status, message: body.message, eta: body.eta }).filter(([, value]) => value !== undefined));
    return this.commands.execute(new UpdateSystemEventCommand(tenantId, key, changes, envelope));
  }

  @Delete(':eventKey')
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
    return this.commands.execute(new DeleteSystemEventCommand(tenantId, key, commandEnvelope(request, tenantId)));
  }
}
