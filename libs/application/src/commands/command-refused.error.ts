import type {
  LedgerRefusal,
  MeteringRefusal,
  RejectionReason,
  SystemEventsRefusal,
  UsageRecordProblem,
} from '@app/domain';

/** Any decider's refusal: the codes of the three deciders are distinct, so one table (the API's) answers them all. */
export type DomainRefusal = LedgerRefusal | MeteringRefusal | SystemEventsRefusal;

/**
 * A command a decider refused: nothing was written. The handlers throw it with the typed refusal; the API's problem
 * filter answers it through its one refusal→HTTP table, so no handler knows anything of HTTP.
 */
export class CommandRefusedError extends Error {
  constructor(readonly refusal: DomainRefusal) {
    super(`${refusal.code}: ${refusal.detail}`);
    this.name = 'CommandRefusedError';
  }
}

/** A license package the ledger rejected: unlike a refusal, the rejection is recorded (at `position`). */
export class PackageRejectedError extends Error {
  constructor(
    readonly packageId: string,
    readonly reasons: RejectionReason[],
    readonly position: string,
  ) {
    super(`license package ${packageId} rejected`);
    this.name = 'PackageRejectedError';
  }
}

/** Not one record of a usage request may be counted: nothing is written. */
export class UsageRejectedError extends Error {
  constructor(readonly rejected: UsageRecordProblem[]) {
    super(`all ${rejected.length} usage records rejected`);
    this.name = 'UsageRejectedError';
  }
}
