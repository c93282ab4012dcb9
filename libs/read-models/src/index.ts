export * from './read-model-store.port';
export * from './read-model.errors';
export * from './sqlite/sqlite-read-model-store';
export * from './read-model-store.factory';
export * from './read-models.module';
