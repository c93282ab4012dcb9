export * from './metrics-registry';
export * from './command-metrics';
