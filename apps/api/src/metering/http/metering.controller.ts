import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { MeteringQueries, meteringTotalsProjection } from '@app/projections';
import { commandEnvelope } from '../../common/command-context';
import { Month, TenantId } from '../../common/id-params';
import { awaitMinPosition } from '../../queries/min-position';
import { METERING_QUERIES, PROJECTION_POSITIONS, ProjectionPositions } from '../../queries/projections.tokens';
import { CloseMeteringMonthCommand } from '../commands/close-metering-month.command';
import { RecordMeteredUsageCommand } from '../commands/record-metered-usage.command';
import { ApiAnswer, ApiCommand, ApiJsonBody, ApiProblems } from '../../openapi/api-decorators';
import { usageRecordsOf } from './metered-usage.body';

@ApiTags('metering')
@Controller('v1/tenants/:tenantId')
export class MeteringController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(METERING_QUERIES) private readonly queries: MeteringQueries,
    @Inject(PROJECTION_POSITIONS) private readonly positions: ProjectionPositions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('metered-usage')
  @HttpCode(202)
  @ApiCommand()
  @ApiJsonBody('MeteredUsageBody', '{usageId, service, quantity, occurredAt} or {records: [... up to 1,000]}')
  @ApiAnswer(202, 'UsageAnswer', 'a repeated usageId never counts twice; records that cannot be counted are listed in rejected[]')
  @ApiProblems('validation-failed', 'usage-rejected', 'month-closed', 'invalid-usage', 'wrong-month')
  record(@TenantId() tenantId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const { records, commandId } = usageRecordsOf(body);
    return this.commands.execute(new RecordMeteredUsageCommand(tenantId, records, commandEnvelope(request, tenantId, commandId)));
  }

  @Post('metering/:month/close')
  @HttpCode(200)
  @ApiCommand()
  @ApiAnswer(200, 'MonthClosed', "the month's invoice lines, adjustments of late usage included")
  @ApiProblems('month-not-ended', 'month-closed')
  close(@TenantId() tenantId: string, @Month() month: string, @Req() request: FastifyRequest) {
    return this.commands.execute(new CloseMeteringMonthCommand(tenantId, month, commandEnvelope(request, tenantId)));
  }

  @Get('metering/:month')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (a few seconds at most) until the read model has reached this position' })
  @ApiAnswer(200, 'MeteringMonth', "the month's totals against their thresholds (as fixed at the close once closed)")
  @ApiProblems('read-model-behind', 'projection-failed')
  async month(@TenantId() tenantId: string, @Month() month: string, @Query('minPosition') minPosition?: string) {
    await awaitMinPosition(this.positions, [meteringTotalsProjection.name], minPosition, this.config.projections.minPositionTimeoutMs);
    return this.queries.month(tenantId, month);
  }
}
