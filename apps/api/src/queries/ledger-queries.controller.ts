import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LedgerQueries, licenseListProjection, statusProjection, userLicensesProjection } from '@app/projections';
import { ModuleName, TenantId, UserId } from '../common/id-params';
import { ProblemException } from '../problem/problem';
import { awaitMinPosition } from './min-position';
import { LEDGER_QUERIES, PROJECTION_POSITIONS, ProjectionPositions } from './projections.tokens';

const OWNER = /^[A-Z0-9]{1,32}$/;

@ApiTags('queries')
@ApiQuery({ name: 'minPosition', required: false, description: 'wait (a few seconds at most) until the read model has reached this position' })
@ApiServiceUnavailableResponse({ description: 'read-model-behind: minPosition not reached in time' })
@Controller('v1/tenants/:tenantId')
export class LedgerQueriesController {
  constructor(
    @Inject(LEDGER_QUERIES) private readonly queries: LedgerQueries,
    @Inject(PROJECTION_POSITIONS) private readonly positions: ProjectionPositions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('licenses')
  @ApiOkResponse({ description: '{owners:[{name, …, licenses:[{module, number, inUse, free, isPlan, implies[], overAllocated, …}]}]}' })
  async licenses(@TenantId() tenantId: string, @Query('minPosition') minPosition?: string) {
    await this.wait([licenseListProjection.name], minPosition);
    return (await this.queries.licenseList(tenantId)) ?? unknownTenant();
  }

  @Get('licenses/:module/holders')
  @ApiQuery({ name: 'owner', required: false })
  async holders(@TenantId() tenantId: string, @ModuleName() module: string, @Query('owner') owner?: string, @Query('minPosition') minPosition?: string) {
    await this.wait([licenseListProjection.name], minPosition);
    const holders = await this.queries.holders(tenantId, module, ownerOf(owner));
    if (!holders) throw ProblemException.of(404, 'unknown-module', 'Unknown module', `owner ${ownerOf(owner)} has no license ${module}`, { module });
    return holders;
  }

  @Get('users/:userId/licenses')
  @ApiQuery({ name: 'owner', required: false })
  async userLicenses(@TenantId() tenantId: string, @UserId() userId: string, @Query('owner') owner?: string, @Query('minPosition') minPosition?: string) {
    await this.wait([userLicensesProjection.name], minPosition);
    return this.queries.userLicenses(tenantId, userId, ownerOf(owner));
  }

  @Get('status')
  @ApiOkResponse({ description: '{database:{owner, serialNumber, databaseType, nextExpiry}, userCount:{byLicenses:{user, web}, byPlansInUse}}' })
  async status(@TenantId() tenantId: string, @Query('minPosition') minPosition?: string) {
    await this.wait([statusProjection.name], minPosition);
    return (await this.queries.status(tenantId)) ?? unknownTenant();
  }

  private wait(projections: string[], minPosition: string | undefined): Promise<void> {
    return awaitMinPosition(this.positions, projections, minPosition, this.config.projections.minPositionTimeoutMs);
  }
}

function ownerOf(owner: string | undefined): string {
  if (owner === undefined) return 'SUPEROFFICE';
  if (!OWNER.test(owner)) throw ProblemException.of(400, 'bad-request', 'Bad request', `owner '${owner}' is not an owner name`);
  return owner;
}

function unknownTenant(): never {
  throw ProblemException.of(404, 'unknown-tenant', 'Unknown tenant', 'no license package has been activated for this tenant');
}
