export * from './shared/decider';
export * from './ledger/license-package';
export * from './ledger/ledger.events';
export * from './ledger/package-review';
export * from './ledger/ledger.decide';
export * from './ledger/ledger.decider';
export * from './ledger/ledger.views';
export * from './ledger/ledger.as-of';
