export * from './decider-runner';
export * from './event-chain';
