import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBody, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { MeteringQueries, meteringTotalsProjection } from '@app/projections';
import { commandEnvelope } from '../../common/command-context';
import { Month, TenantId } from '../../common/id-params';
import { awaitMinPosition } from '../../queries/min-position';
import { METERING_QUERIES, PROJECTION_POSITIONS, ProjectionPositions } from '../../queries/projections.tokens';
import { CloseMeteringMonthCommand } from '../commands/close-metering-month.command';
import { RecordMeteredUsageCommand } from '../commands/record-metered-usage.command';
import { usageRecordsOf } from './metered-usage.body';
import { Access } from '../../auth/access.decorator';

@ApiTags('metering')
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'UUID; a retry with the same key answers the first result' })
@Controller('v1/tenants/:tenantId')
export class MeteringController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(METERING_QUERIES) private readonly queries: MeteringQueries,
    @Inject(PROJECTION_POSITIONS) private readonly positions: ProjectionPositions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('metered-usage')
  @Access(Access.metering)
  @HttpCode(202)
  @ApiBody({ description: '{usageId, service, quantity, occurredAt} or {records: [... up to 1,000]}', schema: { type: 'object' } })
  @ApiAcceptedResponse({ description: '{accepted, duplicates, rejected[{index, usageId, reasons[]}], position}: a repeated usageId never counts twice' })
  @ApiUnprocessableEntityResponse({ description: 'usage-rejected: no record of the request could be counted (nothing is written)' })
  record(@TenantId() tenantId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const { records, commandId } = usageRecordsOf(body);
    return this.commands.execute(new RecordMeteredUsageCommand(tenantId, records, commandEnvelope(request, tenantId, commandId)));
  }

  @Post('metering/:month/close')
  @Access(Access.metering)
  @HttpCode(200)
  @ApiOkResponse({ description: "{month, users, closed, lines[{service, unit, total, threshold, overage, adjusts?}], position}: the month's invoice lines" })
  @ApiConflictResponse({ description: 'month-not-ended' })
  close(@TenantId() tenantId: string, @Month() month: string, @Req() request: FastifyRequest) {
    return this.commands.execute(new CloseMeteringMonthCommand(tenantId, month, commandEnvelope(request, tenantId)));
  }

  @Get('metering/:month')
  @Access(Access.queries)
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ description: '{month, users, closed, services[{service, unit, total, threshold, overage}], adjustments[]}' })
  async month(@TenantId() tenantId: string, @Month() month: string, @Query('minPosition') minPosition?: string) {
    await awaitMinPosition(this.positions, [meteringTotalsProjection.name], minPosition, this.config.projections.minPositionTimeoutMs);
    return this.queries.month(tenantId, month);
  }
}
