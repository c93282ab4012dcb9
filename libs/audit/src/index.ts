export * from './tenant-streams';
export * from './tenant-events';
export * from './audit-event';
export * from './license-list-as-of';
export * from './package-audit';
export * from './history-verification';
export * from './history-transfer';
export * from './moment';
