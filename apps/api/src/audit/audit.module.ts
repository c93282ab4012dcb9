import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LedgerModule } from '../ledger/ledger.module';
import { AuditController } from './http/audit.controller';
import { LicenseListAsOfHandler, TenantEventsHandler, VerifyTenantHandler } from '@app/application';

/** The auditors' routes: the full event log, the license list as of a moment (see the queries controller), verify. */
@Module({
  imports: [CqrsModule, LedgerModule],
  controllers: [AuditController],
  providers: [TenantEventsHandler, LicenseListAsOfHandler, VerifyTenantHandler],
})
export class AuditModule {}
