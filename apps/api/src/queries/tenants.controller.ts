import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ConsoleQueries,
  LedgerQueries,
  statusProjection,
  tenantDirectoryProjection,
  TenantsPage,
} from '@app/projections';
import { Access } from '../auth/access.decorator';
import { ApiAnswer, ApiProblems } from '../openapi/api-decorators';
import { ProblemException } from '../problem/problem';
import { awaitMinPosition } from './min-position';
import { CONSOLE_QUERIES, LEDGER_QUERIES, PROJECTION_POSITIONS, ProjectionPositions } from './projections.tokens';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

/** The one listing across tenants (DESIGN.md §6): for an admin or auditor of every tenant (`*`). */
@ApiTags('queries')
@Controller('v1/tenants')
export class TenantsController {
  constructor(
    @Inject(LEDGER_QUERIES) private readonly queries: LedgerQueries,
    @Inject(CONSOLE_QUERIES) private readonly console: ConsoleQueries,
    @Inject(PROJECTION_POSITIONS) private readonly positions: ProjectionPositions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Access(Access.crossTenant)
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_LIMIT}, default ${DEFAULT_LIMIT}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'the nextCursor of the previous page' })
  @ApiQuery({
    name: 'minPosition',
    required: false,
    description: 'wait (a few seconds at most) until the listing has reached this position',
  })
  @ApiAnswer(200, 'TenantsPage', 'every tenant with an activated package, by tenant id')
  @ApiProblems('read-model-behind', 'projection-failed')
  async tenants(
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('minPosition') minPosition?: string,
  ) {
    const pageSize = limitOf(limit);
    await awaitMinPosition(
      this.positions,
      [statusProjection.name, tenantDirectoryProjection.name],
      minPosition,
      this.config.projections.minPositionTimeoutMs,
    );
    const page: TenantsPage | null = await this.queries.tenants({ limit: pageSize, cursor });
    if (page === null) throw badParameter('cursor', 'not a cursor this listing handed out; start again without one');
    // The console's columns, from the tenant directory: who the licensee is and when anything last happened.
    const directory = await this.console.directory(page.items.map((item) => item.tenantId));
    return {
      items: page.items.map((item) => {
        const entry = directory.get(item.tenantId);
        return {
          ...item,
          companyName: entry?.companyName ?? null,
          serialNumber: entry?.serialNumber ?? null,
          lastActivityAt: entry?.lastActivityAt ?? null,
          lastPosition: entry?.lastPosition ?? null,
        };
      }),
      nextCursor: page.nextCursor,
    };
  }
}

function limitOf(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  const value = Number(limit);
  if (!/^\d+$/.test(limit) || value < 1 || value > MAX_LIMIT)
    throw badParameter('limit', `an integer from 1 to ${MAX_LIMIT}`);
  return value;
}

function badParameter(field: string, message: string): ProblemException {
  return ProblemException.of(400, 'bad-request', 'Bad request', `${field}: ${message}`, {
    errors: [{ field, messages: [message] }],
  });
}
