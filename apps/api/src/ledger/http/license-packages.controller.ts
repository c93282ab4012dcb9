import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ActivateLicensePackageCommand, ValidateLicensePackageQuery } from '@app/application';
import { commandEnvelope } from '../../common/command-context';
import { CommandSender } from '../../common/command-sender';
import { TenantId } from '../../common/id-params';
import { ApiAnswer, ApiCommand, ApiProblems } from '../../openapi/api-decorators';
import { LicensePackageDto } from './license-package.dto';
import { Access } from '../../auth/access.decorator';

@ApiTags('license packages')
@Controller('v1/tenants/:tenantId/license-packages')
export class LicensePackagesController {
  constructor(
    private readonly commands: CommandSender,
    private readonly queries: QueryBus,
  ) {}

  @Post('validate')
  @Access(Access.packages)
  @HttpCode(200)
  @ApiBody({ type: LicensePackageDto })
  @ApiAnswer(
    200,
    'PackageReview',
    'whether the package can be activated and why not; only the changed licenses; nothing is written',
  )
  validate(@TenantId() tenantId: string, @Body() body: LicensePackageDto) {
    return this.queries.execute(new ValidateLicensePackageQuery(tenantId, body));
  }

  @Post()
  @Access(Access.packages)
  @HttpCode(201)
  @ApiBody({ type: LicensePackageDto })
  @ApiCommand()
  @ApiAnswer(201, 'PackageActivated', "the package replaced its owner's licenses")
  @ApiProblems('package-rejected')
  activate(@TenantId() tenantId: string, @Body() body: LicensePackageDto, @Req() request: FastifyRequest) {
    return this.commands.send(new ActivateLicensePackageCommand(tenantId, body, commandEnvelope(request, tenantId)));
  }
}
