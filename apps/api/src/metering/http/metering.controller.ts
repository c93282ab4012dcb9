import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { CloseMeteringMonthCommand, MeteringMonthQuery, RecordMeteredUsageCommand } from '@app/application';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { commandEnvelope } from '../../common/command-context';
import { CommandSender } from '../../common/command-sender';
import { Month, TenantId } from '../../common/id-params';
import { parseMinPosition } from '../../common/min-position-param';
import { ApiAnswer, ApiCommand, ApiJsonBody, ApiProblems } from '../../openapi/api-decorators';
import { usageRecordsOf } from './metered-usage.body';
import { CSV_CONTENT_TYPE, meteringCsv, wantsCsv } from './metering-csv';
import { Access } from '../../auth/access.decorator';

@ApiTags('metering')
@Controller('v1/tenants/:tenantId')
export class MeteringController {
  constructor(
    private readonly commands: CommandSender,
    private readonly queries: QueryBus,
  ) {}

  @Post('metered-usage')
  @Access(Access.metering)
  @HttpCode(202)
  @ApiCommand()
  @ApiJsonBody('MeteredUsageBody', '{usageId, service, quantity, occurredAt} or {records: [... up to 1,000]}')
  @ApiAnswer(
    202,
    'UsageAnswer',
    'a repeated usageId never counts twice; records that cannot be counted are listed in rejected[]',
  )
  @ApiProblems(
    'validation-failed',
    'invalid-request',
    'unknown-tenant',
    'usage-rejected',
    'usage-overflow',
    'month-closed',
    'invalid-usage',
    'wrong-month',
  )
  record(@TenantId() tenantId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const { records, commandId } = usageRecordsOf(body);
    return this.commands.send(
      new RecordMeteredUsageCommand(tenantId, records, commandEnvelope(request, tenantId, commandId)),
    );
  }

  @Post('metering/:month/close')
  @Access(Access.metering)
  @HttpCode(200)
  @ApiCommand()
  @ApiAnswer(200, 'MonthClosed', "the month's invoice lines, adjustments of late usage included")
  @ApiProblems('unknown-tenant', 'invalid-month', 'month-not-ended', 'month-closed')
  close(@TenantId() tenantId: string, @Month() month: string, @Req() request: FastifyRequest) {
    return this.commands.send(new CloseMeteringMonthCommand(tenantId, month, commandEnvelope(request, tenantId)));
  }

  @Get('metering/:month')
  @Access(Access.queries)
  @ApiQuery({
    name: 'minPosition',
    required: false,
    description: 'wait (a few seconds at most) until the read model has reached this position',
  })
  @ApiQuery({
    name: 'format',
    required: false,
    enum: ['json', 'csv'],
    description: 'csv: the invoice lines for billing (or send Accept: text/csv)',
  })
  @ApiAnswer(
    200,
    'MeteringMonth',
    "the month's totals against their thresholds (as fixed at the close once closed); as CSV, one row per service and adjustment",
    {
      'text/csv': {
        schema: {
          type: 'string',
          description: 'RFC 4180, header row: tenant,month,closed,users,service,unit,total,threshold,overage,adjusts',
        },
      },
    },
  )
  @ApiProblems('unknown-tenant', 'invalid-month', 'read-model-behind', 'projection-failed')
  async month(
    @TenantId() tenantId: string,
    @Month() month: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('minPosition') minPosition?: string,
    @Query('format') format?: string,
    @Headers('accept') accept?: string,
  ) {
    const csv = wantsCsv(format, accept);
    const view = await this.queries.execute(new MeteringMonthQuery(tenantId, month, parseMinPosition(minPosition)));
    if (!csv) return view;
    void reply
      .header('content-type', CSV_CONTENT_TYPE)
      .header('content-disposition', `attachment; filename="metering-${tenantId}-${month}.csv"`);
    return meteringCsv(tenantId, view);
  }
}
