import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  LicenseHoldersQuery,
  LicenseListAsOfQuery,
  LicenseListQuery,
  TenantStatusQuery,
  UserLicensesQuery,
} from '@app/application';
import { DEFAULT_OWNER, isOwnerName, OWNER_NAME_RULE } from '@app/domain';
import { asOfParam } from '../audit/http/audit-params';
import { parseMinPosition } from '../common/min-position-param';
import { ModuleName, TenantId, UserId } from '../common/id-params';
import { ProblemException } from '../problem/problem';
import { ApiAnswer, ApiProblems } from '../openapi/api-decorators';
import { Access } from '../auth/access.decorator';

@ApiTags('queries')
@ApiQuery({
  name: 'minPosition',
  required: false,
  description: 'wait (a few seconds at most) until the read model has reached this position',
})
@Controller('v1/tenants/:tenantId')
export class LedgerQueriesController {
  constructor(private readonly queryBus: QueryBus) {}

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
    const list = await this.queryBus.execute(new LicenseListQuery(tenantId, parseMinPosition(minPosition)));
    return list ?? unknownTenant();
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
    const position = parseMinPosition(minPosition);
    const ownerName = ownerOf(owner);
    const holders = await this.queryBus.execute(new LicenseHoldersQuery(tenantId, module, ownerName, position));
    if (!holders)
      throw ProblemException.of(
        404,
        'unknown-module',
        'Unknown module',
        `owner ${ownerName} has no license ${module}`,
        {
          module,
        },
      );
    return holders;
  }

  @Get('users/:userId/licenses')
  @Access(Access.queries)
  @ApiQuery({ name: 'owner', required: false })
  @ApiAnswer(200, 'UserLicenses', "the user's plan and licenses of the owner")
  @ApiProblems('read-model-behind', 'projection-failed')
  userLicenses(
    @TenantId() tenantId: string,
    @UserId() userId: string,
    @Query('owner') owner?: string,
    @Query('minPosition') minPosition?: string,
  ) {
    const position = parseMinPosition(minPosition);
    return this.queryBus.execute(new UserLicensesQuery(tenantId, userId, ownerOf(owner), position));
  }

  @Get('status')
  @Access(Access.queries)
  @ApiAnswer(200, 'Status', "the Status tab: database, user counts, this month's metering")
  @ApiProblems('unknown-tenant', 'read-model-behind', 'projection-failed')
  async status(@TenantId() tenantId: string, @Query('minPosition') minPosition?: string) {
    return (
      (await this.queryBus.execute(new TenantStatusQuery(tenantId, parseMinPosition(minPosition)))) ?? unknownTenant()
    );
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
