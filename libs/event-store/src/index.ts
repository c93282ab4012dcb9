export * from './event-store.port';
export * from './event-store.errors';
export * from './append-rules';
export * from './catch-up-subscription';
export * from './sqlite/sqlite-event-store';
export * from './event-store.module';
export * from './snapshot-store.port';
export * from './file-snapshot-store';
