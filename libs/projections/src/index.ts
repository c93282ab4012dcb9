export * from './projection';
export * from './batch-documents';
export * from './projection-engine';
export * from './projection-positions';
export * from './all-projections';
export * from './projections-runtime.module';
export * from './ledger/license-list.projection';
export * from './ledger/user-licenses.projection';
export * from './ledger/status.projection';
export * from './metering/metering-totals.projection';
export * from './system-events/system-events-feed.projection';
export * from './system-events/license-dates.projection';

export * from './system-events/system-events-queries';
export * from './ledger/ledger-queries';
export * from './metering/metering-queries';
export * from './online-rebuild';
