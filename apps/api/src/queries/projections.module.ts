import { Module } from '@nestjs/common';
import {
  CLOCK,
  CONSOLE_READ_MODEL,
  ConsoleReadModel,
  LEDGER_READ_MODEL,
  LedgerReadModel,
  LicenseHoldersHandler,
  LicenseListHandler,
  LiveSystemEventHandler,
  METERING_READ_MODEL,
  MeteringMonthHandler,
  MeteringMonthsHandler,
  MeteringReadModel,
  PackageHistoryHandler,
  READ_MODEL_PROGRESS,
  ReadModelName,
  ReadModelProgress,
  ReadYourWrites,
  SYSTEM_EVENTS_READ_MODEL,
  SystemEventsFeedHandler,
  SystemEventsReadModel,
  systemClock,
  TenantsHandler,
  TenantStatusHandler,
  UserLicensesHandler,
} from '@app/application';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ConsoleQueries,
  LedgerQueries,
  licenseListProjection,
  MeteringQueries,
  meteringTotalsProjection,
  packageHistoryProjection,
  PROJECTION_POSITIONS,
  ProjectionPositions,
  statusProjection,
  SystemEventsQueries,
  systemEventsFeedProjection,
  tenantDirectoryProjection,
  userLicensesProjection,
} from '@app/projections';
import { READ_MODEL_STORE, ReadModelStore } from '@app/read-models';
import { SYSTEM_EVENTS_QUERIES } from '../system-events/notice-ports.module';
import { LedgerQueriesController } from './ledger-queries.controller';
import { TenantsController } from './tenants.controller';
import { CONSOLE_QUERIES, LEDGER_QUERIES, METERING_QUERIES } from './projections.tokens';

/** The application's logical read-model names, as the projections call themselves (total: a new name must map). */
const PROJECTION_OF: Record<ReadModelName, string> = {
  'license-list': licenseListProjection.name,
  'user-licenses': userLicensesProjection.name,
  status: statusProjection.name,
  'metering-totals': meteringTotalsProjection.name,
  'system-events-feed': systemEventsFeedProjection.name,
  'tenant-directory': tenantDirectoryProjection.name,
  'package-history': packageHistoryProjection.name,
};

/**
 * The query side of the API: the application's read ports bound to the projections' query objects, and the query
 * handlers (libs/application/src/queries) that answer through them. Projecting itself is wired once, for the API and
 * the projector alike, by ProjectionRuntimeModule (libs/projections) from ALL_PROJECTIONS.
 */
@Module({
  controllers: [LedgerQueriesController, TenantsController],
  providers: [
    {
      provide: LEDGER_QUERIES,
      useFactory: (readModels: ReadModelStore) => new LedgerQueries(readModels),
      inject: [READ_MODEL_STORE],
    },
    {
      provide: METERING_QUERIES,
      useFactory: (readModels: ReadModelStore, config: AppConfig) =>
        new MeteringQueries(readModels, config.metering.thresholds),
      inject: [READ_MODEL_STORE, APP_CONFIG],
    },
    {
      provide: CONSOLE_QUERIES,
      useFactory: (readModels: ReadModelStore) => new ConsoleQueries(readModels),
      inject: [READ_MODEL_STORE],
    },
    // The ports, typed: each factory checks that the query object answers what the application's port declares.
    { provide: LEDGER_READ_MODEL, useFactory: (q: LedgerQueries): LedgerReadModel => q, inject: [LEDGER_QUERIES] },
    {
      provide: METERING_READ_MODEL,
      useFactory: (q: MeteringQueries): MeteringReadModel => q,
      inject: [METERING_QUERIES],
    },
    { provide: CONSOLE_READ_MODEL, useFactory: (q: ConsoleQueries): ConsoleReadModel => q, inject: [CONSOLE_QUERIES] },
    {
      provide: SYSTEM_EVENTS_READ_MODEL,
      useFactory: (q: SystemEventsQueries): SystemEventsReadModel => q,
      inject: [SYSTEM_EVENTS_QUERIES],
    },
    {
      provide: READ_MODEL_PROGRESS,
      useFactory: (positions: ProjectionPositions): ReadModelProgress => ({
        waitFor: (readModels, position, timeoutMs) =>
          positions.waitFor(
            readModels.map((name) => PROJECTION_OF[name]),
            position,
            timeoutMs,
          ),
        get failed() {
          return positions.failed;
        },
      }),
      inject: [PROJECTION_POSITIONS],
    },
    { provide: CLOCK, useValue: systemClock },
    ReadYourWrites,
    LicenseListHandler,
    LicenseHoldersHandler,
    UserLicensesHandler,
    TenantStatusHandler,
    TenantsHandler,
    MeteringMonthHandler,
    MeteringMonthsHandler,
    PackageHistoryHandler,
    LiveSystemEventHandler,
    SystemEventsFeedHandler,
  ],
})
export class ProjectionsModule {}
