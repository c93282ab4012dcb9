export * from './app-config';
export * from './config.module';
export * from './log-secrets';
export * from './access-config';
