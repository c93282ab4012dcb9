import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { LicensePackage } from '@app/domain';
import type { FastifyRequest } from 'fastify';
import { commandEnvelope } from '../../common/command-context';
import { TenantId } from '../../common/id-params';
import { ActivateLicensePackageCommand, ValidateLicensePackageQuery } from '../commands/license-package.command';
import { LicensePackageDto } from './license-package.dto';
import { Access } from '../../auth/access.decorator';

@ApiTags('license packages')
@Controller('v1/tenants/:tenantId/license-packages')
export class LicensePackagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('validate')
  @Access(Access.packages)
  @HttpCode(200)
  @ApiBody({ type: LicensePackageDto })
  @ApiOkResponse({ description: '{canBeActivated, reasons[], changes[]}: only the changed licenses; nothing is written' })
  validate(@TenantId() tenantId: string, @Body() body: LicensePackageDto) {
    return this.queries.execute(new ValidateLicensePackageQuery(tenantId, body as LicensePackage));
  }

  @Post()
  @Access(Access.packages)
  @HttpCode(201)
  @ApiBody({ type: LicensePackageDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'UUID; a retry with the same key answers the first result' })
  @ApiCreatedResponse({ description: '{packageId, position}' })
  @ApiUnprocessableEntityResponse({ description: 'package-rejected, with reasons[]; the rejection is recorded' })
  activate(@TenantId() tenantId: string, @Body() body: LicensePackageDto, @Req() request: FastifyRequest) {
    return this.commands.execute(new ActivateLicensePackageCommand(tenantId, body as LicensePackage, commandEnvelope(request, tenantId)));
  }
}
