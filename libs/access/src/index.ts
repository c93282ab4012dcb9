export * from './api-keys';
export * from './credential-verifier';
export * from './roles';
export * from './tokens';
