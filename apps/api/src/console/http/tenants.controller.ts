import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ConsoleQueries, Page, TenantListItem, tenantDirectoryProjection } from '@app/projections';
import { InvalidCursorError } from '@app/read-models';
import { awaitMinPosition } from '../../queries/min-position';
import { PROJECTION_POSITIONS, ProjectionPositions } from '../../queries/projections.tokens';
import { CONSOLE_QUERIES } from '../console.tokens';
import { badParameter, LIMIT_DESCRIPTION, limitOf } from './page-params';

/** Every tenant, for administrators and auditors whose credential covers all tenants (`*`). */
@ApiTags('queries')
@Controller('v1/tenants')
export class TenantsController {
  constructor(
    @Inject(CONSOLE_QUERIES) private readonly queries: ConsoleQueries,
    @Inject(PROJECTION_POSITIONS) private readonly positions: ProjectionPositions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiQuery({ name: 'limit', required: false, description: LIMIT_DESCRIPTION })
  @ApiQuery({ name: 'cursor', required: false, description: 'the nextCursor of the previous page' })
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (a few seconds at most) until the list has reached this position' })
  @ApiOkResponse({ description: '{items:[{tenantId, companyName, serialNumber, owners[], lastActivityAt, lastPosition}], nextCursor}, by tenant id' })
  async list(@Query('limit') limit?: string, @Query('cursor') cursor?: string, @Query('minPosition') minPosition?: string): Promise<Page<TenantListItem>> {
    const options = { limit: limitOf(limit), cursor };
    await awaitMinPosition(this.positions, [tenantDirectoryProjection.name], minPosition, this.config.projections.minPositionTimeoutMs);
    try {
      return await this.queries.tenants(options);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badParameter('cursor', 'not a cursor this list handed out; start again without one');
      throw error;
    }
  }
}
