import type { LedgerRefusal, LedgerRefusalCode, RejectionReason } from '@app/domain';
import { ProblemException } from '../problem/problem';

const STATUS: Record<LedgerRefusalCode, number> = {
  'unknown-tenant': 404,
  'unknown-owner': 422,
  'unknown-module': 422,
  'not-a-user-license': 422,
  'user-inactive': 422,
  'grace-period-ended': 422,
  'prerequisite-missing': 422,
  'already-assigned': 409,
  'cap-exceeded': 409,
  'prerequisite-in-use': 409,
  'implied-by-plan': 409,
  'not-held': 404,
};

const TITLE: Record<LedgerRefusalCode, string> = {
  'unknown-tenant': 'Unknown tenant',
  'unknown-owner': 'Unknown license owner',
  'unknown-module': 'Unknown module',
  'not-a-user-license': 'Not a user license',
  'user-inactive': 'User is deactivated',
  'grace-period-ended': 'Grace period ended',
  'prerequisite-missing': 'Prerequisite missing',
  'already-assigned': 'Already assigned',
  'cap-exceeded': 'Cap exceeded',
  'prerequisite-in-use': 'Prerequisite in use',
  'implied-by-plan': 'Implied by plan',
  'not-held': 'License not held',
};

/** A domain refusal as the HTTP answer: the refusal's code is the problem type, its context the extensions. */
export function refusalProblem(refusal: LedgerRefusal): ProblemException {
  return ProblemException.of(STATUS[refusal.code], refusal.code, TITLE[refusal.code], refusal.detail, refusal.context);
}

export function packageRejectedProblem(packageId: string, reasons: RejectionReason[], position: string): ProblemException {
  return ProblemException.of(
    422,
    'package-rejected',
    'License package rejected',
    reasons.map((reason) => reason.detail).join('; '),
    { packageId, reasons, position },
  );
}
