import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { TenantsQuery } from '@app/application';
import { Access } from '../auth/access.decorator';
import { parseMinPosition } from '../common/min-position-param';
import { ApiPageQuery, foreignCursor, limitOf } from '../common/page-params';
import { ApiAnswer, ApiProblems } from '../openapi/api-decorators';

/** The one listing across tenants (DESIGN.md §6): for an admin or auditor of every tenant (`*`). */
@ApiTags('queries')
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @Access(Access.crossTenant)
  @ApiPageQuery()
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
    const page = { limit: limitOf(limit), cursor };
    const answer = await this.queryBus.execute(new TenantsQuery(page, parseMinPosition(minPosition)));
    if (answer === null) throw foreignCursor('listing');
    return answer;
  }
}
