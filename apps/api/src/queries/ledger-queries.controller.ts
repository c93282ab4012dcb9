import { Controller, Get, Inject, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  LedgerQueries,
  licenseListProjection,
  MeteringQueries,
  meteringTotalsProjection,
  statusProjection,
  userLicensesProjection,
} from '@app/projections';
import { DEFAULT_OWNER, isOwnerName, OWNER_NAME_RULE } from '@app/domain';
import { CLOCK, Clock } from '@app/application';
import { asOfParam } from '../audit/http/audit-params';
import { LicenseListAsOfQuery } from '../audit/queries/audit.queries';
import { ModuleName, TenantId, UserId } from '../common/id-params';
import { ProblemException } from '../problem/problem';
import { ApiAnswer, ApiProblems } from '../openapi/api-decorators';
import { awaitMinPosition } from './min-position';
import { LEDGER_QUERIES, METERING_QUERIES, PROJECTION_POSITIONS, ProjectionPositions } from './projections.tokens';
import { Access } from '../auth/access.decorator';

@ApiTags('queries')
@ApiQuery({
  name: 'minPosition',
  required: false,
  description: 'wait (a few seconds at most) until the read model has reached this position',
})
@Controller('v1/tenants/:tenantId')
export class LedgerQueriesController {
  constructor(
    @Inject(LEDGER_QUERIES) private readonly queries: LedgerQueries,
    @Inject(PROJECTION_POSITIONS) private readonly positions: ProjectionPositions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(METERING_QUERIES) private readonly metering: MeteringQueries,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queryBus: QueryBus,
  ) {}

  @Get('licenses')
  @Access(Access.queries, { asOf: Access.audit })
  @ApiQuery({
    name: 'asOf',
    required: false,
    description:
      'ISO-8601 date-time with a zone: the list as it stood then, replayed from the events (by the time each event carries); minPosition is not needed with it',
  })
  @ApiAnswer(200, 'LicenseList', 'per owner, its licenses: number, in use, free, plans and what they imply')
  @ApiProblems('unknown-tenant', 'read-model-behind', 'projection-failed')
  async licenses(
    @TenantId() tenantId: string,
    @Query('minPosition') minPosition?: string,
    @Query('asOf') asOf?: string,
  ) {
    if (asOf !== undefined) {
      // Replayed from the event store itself, which already holds every write a command answered.
      const moment = asOfParam(asOf);
      const list = await this.queryBus.execute(new LicenseListAsOfQuery(tenantId, moment));
      return list ?? unknownTenant(`no license package had been activated for this tenant by ${moment.toISOString()}`);
    }
    await this.wait([licenseListProjection.name], minPosition);
    return (await this.queries.licenseList(tenantId)) ?? unknownTenant();
  }

  @Get('licenses/:module/holders')
  @Access(Access.queries)
  @ApiQuery({ name: 'owner', required: false })
  @ApiAnswer(200, 'Holders', 'the users who hold the license')
  @ApiProblems(['unknown-module', 404], 'read-model-behind', 'projection-failed')
  async holders(
    @TenantId() tenantId: string,
    @ModuleName() module: string,
    @Query('owner') owner?: string,
    @Query('minPosition') minPosition?: string,
  ) {
    await this.wait([licenseListProjection.name], minPosition);
    const holders = await this.queries.holders(tenantId, module, ownerOf(owner));
    if (!holders)
      throw ProblemException.of(
        404,
        'unknown-module',
        'Unknown module',
        `owner ${ownerOf(owner)} has no license ${module}`,
        { module },
      );
    return holders;
  }

  @Get('users/:userId/licenses')
  @Access(Access.queries)
  @ApiQuery({ name: 'owner', required: false })
  @ApiAnswer(200, 'UserLicenses', "the user's plan and licenses of the owner")
  @ApiProblems('read-model-behind', 'projection-failed')
  async userLicenses(
    @TenantId() tenantId: string,
    @UserId() userId: string,
    @Query('owner') owner?: string,
    @Query('minPosition') minPosition?: string,
  ) {
    await this.wait([userLicensesProjection.name], minPosition);
    return this.queries.userLicenses(tenantId, userId, ownerOf(owner));
  }

  @Get('status')
  @Access(Access.queries)
  @ApiAnswer(200, 'Status', "the Status tab: database, user counts, this month's metering")
  @ApiProblems('unknown-tenant', 'read-model-behind', 'projection-failed')
  async status(@TenantId() tenantId: string, @Query('minPosition') minPosition?: string) {
    await this.wait([statusProjection.name, meteringTotalsProjection.name], minPosition);
    const status = (await this.queries.status(tenantId)) ?? unknownTenant();
    const { month, services } = await this.metering.month(tenantId, this.clock.now().slice(0, 7));
    return { ...status, metering: { month, services } };
  }

  private wait(projections: string[], minPosition: string | undefined): Promise<void> {
    return awaitMinPosition(this.positions, projections, minPosition, this.config.projections.minPositionTimeoutMs);
  }
}

function ownerOf(owner: string | undefined): string {
  if (owner === undefined) return DEFAULT_OWNER;
  if (!isOwnerName(owner))
    throw ProblemException.of(400, 'bad-request', 'Bad request', `owner: ${OWNER_NAME_RULE}`, {
      errors: [{ field: 'owner', messages: [OWNER_NAME_RULE] }],
    });
  return owner;
}

function unknownTenant(detail = 'no license package has been activated for this tenant'): never {
  throw ProblemException.of(404, 'unknown-tenant', 'Unknown tenant', detail);
}
