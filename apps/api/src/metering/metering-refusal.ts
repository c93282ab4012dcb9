import type { MeteringRefusal, MeteringRefusalCode, UsageRecordProblem } from '@app/domain';
import { ProblemException } from '../problem/problem';

const STATUS: Record<MeteringRefusalCode, [status: number, title: string]> = {
  'invalid-usage': [422, 'Invalid usage record'],
  'wrong-month': [422, 'Usage record of another month'],
  'month-closed': [409, 'Metering month closed'],
  'month-not-ended': [409, 'Metering month not ended'],
  'usage-overflow': [422, 'Usage total would overflow'],
  'unknown-tenant': [404, 'Unknown tenant'],
  'invalid-month': [400, 'Invalid month'],
};

export function meteringRefusalProblem(refusal: MeteringRefusal): ProblemException {
  const [status, title] = STATUS[refusal.code];
  return ProblemException.of(status, refusal.code, title, refusal.detail, refusal.context);
}

/** Not one record of the request may be counted: nothing is written. */
export function usageRejectedProblem(rejected: UsageRecordProblem[]): ProblemException {
  return ProblemException.of(
    422,
    'usage-rejected',
    'Usage rejected',
    rejected.map((problem) => `record ${problem.index}${problem.usageId ? ` (${problem.usageId})` : ''}: ${problem.reasons.join('; ')}`).join(' | '),
    { rejected },
  );
}
