import { CommandMetadata, exhaustive, NoContext, refuse, Refusal } from '../shared/decider';
import type { ActiveLedger, LedgerEvent, LedgerState } from './ledger.events';
import { decideAssign, decideDeactivate, decideUnassign } from './license-assignment.decide';
import { PackageUnderReview, reviewPackage } from './package-review';

// The effect of an assignment on a user's holdings; kept importable from here, where it always was.
export { assignmentOutcome, holdingsAround } from './assignment-outcome';

export interface LicenseTarget {
  userId: string;
  owner: string;
  module: string;
}

export type LedgerCommand =
  | { type: 'ActivateLicensePackage'; data: PackageUnderReview; metadata: CommandMetadata }
  | { type: 'AssignLicense'; data: LicenseTarget; metadata: CommandMetadata }
  | { type: 'UnassignLicense'; data: LicenseTarget; metadata: CommandMetadata }
  | { type: 'DeactivateUser'; data: { userId: string }; metadata: CommandMetadata }
  | { type: 'ReactivateUser'; data: { userId: string }; metadata: CommandMetadata };

/** Every refusal of the ledger, one member per code with the context its answer carries. */
export type LedgerRefusal =
  | Refusal<'unknown-tenant', NoContext>
  | Refusal<'unknown-owner', { owner: string }>
  | Refusal<'unknown-module', { owner: string; module: string }>
  | Refusal<'not-a-user-license', { module: string }>
  | Refusal<'user-inactive', { userId: string }>
  | Refusal<'grace-period-ended', { owner: string; graceTo: string }>
  | Refusal<'already-assigned', { module: string; userId: string }>
  | Refusal<'cap-exceeded', { module: string; number: number; inUse: number }>
  | Refusal<'prerequisite-missing', { module: string; prerequisite: string }>
  | Refusal<'prerequisite-in-use', { module: string; requiredBy: string }>
  | Refusal<'not-held', { module: string; userId: string }>
  | Refusal<'implied-by-plan', { module: string; plan: string | null }>;

export type LedgerRefusalCode = LedgerRefusal['code'];

export function decideLedger(command: LedgerCommand, state: LedgerState): LedgerEvent[] | LedgerRefusal {
  const at = command.metadata.now;
  switch (command.type) {
    case 'ActivateLicensePackage': {
      const { tenantId, package: pkg, verification } = command.data;
      const review = reviewPackage(state, command.data, at);
      if (review.canBeActivated) {
        return [
          {
            type: 'LicensePackageActivated',
            data: {
              tenantId,
              package: pkg,
              certificateFingerprint: verification.certificate.fingerprint,
              activatedAt: at,
            },
          },
        ];
      }
      return [
        {
          type: 'LicensePackageRejected',
          data: {
            tenantId,
            packageId: pkg.packageId,
            owner: pkg.owner.name,
            sequence: pkg.sequence,
            reasons: review.reasons,
            rejectedAt: at,
          },
        },
      ];
    }
    default:
      // Every other command needs a tenant with an active package: checked here, once.
      return state.status === 'active'
        ? decideOnActive(command, state, at)
        : refuse('unknown-tenant', 'no license package has been activated for this tenant');
  }
}

function decideOnActive(
  command: Exclude<LedgerCommand, { type: 'ActivateLicensePackage' }>,
  state: ActiveLedger,
  at: string,
): LedgerEvent[] | LedgerRefusal {
  switch (command.type) {
    case 'AssignLicense':
      return decideAssign(state, command.data, at);
    case 'UnassignLicense':
      return decideUnassign(state, command.data, at);
    case 'DeactivateUser':
      return decideDeactivate(state, command.data.userId, at);
    case 'ReactivateUser':
      return state.inactiveUsers[command.data.userId]
        ? [{ type: 'UserReactivated', data: { userId: command.data.userId, at } }]
        : [];
    default:
      return exhaustive(command);
  }
}
