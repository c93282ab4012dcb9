export * from './decider-runner';
