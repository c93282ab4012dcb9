import { Body, Controller, Delete, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { commandEnvelope } from '../../common/command-context';
import { TenantId } from '../../common/id-params';
import { DeleteSystemEventCommand, StartSystemEventCommand, UpdateSystemEventCommand } from '../commands/system-event.command';
import { systemEventKeyOf } from './system-event-key';
import { StartSystemEventDto, UpdateSystemEventDto } from './system-event.dto';

@ApiTags('system events')
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'UUID; a retry with the same key answers the first result' })
@ApiBadRequestResponse({ description: 'invalid-request (with errors[]), bad-request' })
@Controller('v1/tenants/:tenantId/system-events')
export class SystemEventsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ description: '{eventKey, scope, owner, status, message, eta, activatedAt, activatedBy, finishedAt, sequence, position}' })
  @ApiConflictResponse({ description: 'system-event-exists: (eventKey, scope, owner) is live' })
  @ApiUnprocessableEntityResponse({ description: 'reserved-event-key: the backend raises that notice itself' })
  start(@TenantId() tenantId: string, @Body() body: StartSystemEventDto, @Req() request: FastifyRequest) {
    const envelope = commandEnvelope(request, tenantId, body.commandId);
    const key = { eventKey: body.eventKey, scope: body.scope, owner: body.owner ?? null };
    const details = { status: body.status ?? 'active', message: body.message ?? '', eta: body.eta ?? null, activatedBy: body.activatedBy };
    return this.commands.execute(new StartSystemEventCommand(tenantId, key, details, envelope));
  }

  @Patch(':eventKey')
  @ApiQuery({ name: 'scope', required: true, enum: [1, 2, 3, 4] })
  @ApiQuery({ name: 'owner', required: false, description: 'the group (scope 3) or user (scope 4)' })
  @ApiOkResponse({ description: 'the event as it now stands, with position' })
  @ApiNotFoundResponse({ description: 'system-event-not-found: no live event with that key' })
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
  @ApiOkResponse({ description: '{eventKey, scope, owner, sequence, position}' })
  @ApiNotFoundResponse({ description: 'system-event-not-found: no live event with that key' })
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
