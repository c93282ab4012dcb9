import {
  CommandRefusedError,
  NoticesFailedError,
  PackageRejectedError,
  ProjectionFailedError,
  ReadModelBehindError,
  UsageRejectedError,
} from '@app/application';
import { packageRejectedProblem } from './package-rejected-problem';
import { ProblemException } from './problem';
import { refusalProblem } from './refusal-problem';
import { usageRejectedProblem } from './usage-rejected-problem';

/**
 * The application layer's errors as HTTP answers. Its handlers know nothing of HTTP: they throw typed errors, and
 * this is the one place they become problem documents (refusals through the one table of `refusal-problem.ts`).
 */
export function applicationProblem(exception: unknown): ProblemException | undefined {
  if (exception instanceof CommandRefusedError) return refusalProblem(exception.refusal);
  if (exception instanceof PackageRejectedError)
    return packageRejectedProblem(exception.packageId, exception.reasons, exception.position);
  if (exception instanceof UsageRejectedError) return usageRejectedProblem(exception.rejected);
  if (exception instanceof ReadModelBehindError) {
    return ProblemException.of(503, 'read-model-behind', 'Read model behind', exception.message, {
      minPosition: String(exception.position),
    });
  }
  if (exception instanceof ProjectionFailedError)
    return ProblemException.of(503, 'projection-failed', 'Read model stopped', exception.message);
  if (exception instanceof NoticesFailedError)
    return ProblemException.of(503, 'process-manager-failed', 'Notices stopped', exception.message);
  return undefined;
}
