export * from './licensing-client';
export * from './licensing-problem';
export * from './retry';
export type { components, paths } from './generated/openapi';
