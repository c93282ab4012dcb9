import type { RejectionReason } from '@app/domain';
import { ProblemException } from './problem';

export function packageRejectedProblem(
  packageId: string,
  reasons: RejectionReason[],
  position: string,
): ProblemException {
  return ProblemException.of(
    422,
    'package-rejected',
    'License package rejected',
    reasons.map((reason) => reason.detail).join('; '),
    { packageId, reasons, position },
  );
}
