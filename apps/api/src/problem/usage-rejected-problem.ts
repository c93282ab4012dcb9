import type { UsageRecordProblem } from '@app/domain';
import { ProblemException } from './problem';

/** Not one record of the request may be counted: nothing is written. */
export function usageRejectedProblem(rejected: UsageRecordProblem[]): ProblemException {
  return ProblemException.of(
    422,
    'usage-rejected',
    'Usage rejected',
    rejected
      .map(
        (problem) =>
          `record ${problem.index}${problem.usageId ? ` (${problem.usageId})` : ''}: ${problem.reasons.join('; ')}`,
      )
      .join(' | '),
    { rejected },
  );
}
