import type { DomainRefusal } from '@app/application';
import { ProblemException } from './problem';

/**
 * How each refusal is answered over HTTP: a status and a title, the code being the problem type. A refusal about a
 * field of the request itself (`field`) is answered like any other invalid request, 400 naming that field. The
 * table is total over the codes: a new refusal code does not compile until it has its answer here.
 */
type Answer = { status: number; title: string } | { field: string };

const ANSWERS: Record<DomainRefusal['code'], Answer> = {
  // the ledger
  'unknown-tenant': { status: 404, title: 'Unknown tenant' },
  'not-held': { status: 404, title: 'License not held' },
  'already-assigned': { status: 409, title: 'Already assigned' },
  'cap-exceeded': { status: 409, title: 'Cap exceeded' },
  'prerequisite-in-use': { status: 409, title: 'Prerequisite in use' },
  'implied-by-plan': { status: 409, title: 'Implied by plan' },
  'unknown-owner': { status: 422, title: 'Unknown license owner' },
  'unknown-module': { status: 422, title: 'Unknown module' },
  'not-a-user-license': { status: 422, title: 'Not a user license' },
  'user-inactive': { status: 422, title: 'User is deactivated' },
  'grace-period-ended': { status: 422, title: 'Grace period ended' },
  'prerequisite-missing': { status: 422, title: 'Prerequisite missing' },
  // metering
  'invalid-usage': { status: 422, title: 'Invalid usage record' },
  'wrong-month': { status: 422, title: 'Usage record of another month' },
  'month-closed': { status: 409, title: 'Metering month closed' },
  'month-not-ended': { status: 409, title: 'Metering month not ended' },
  'usage-overflow': { status: 422, title: 'Usage total would overflow' },
  'invalid-month': { status: 400, title: 'Invalid month' },
  // system events
  'invalid-event-key': { field: 'eventKey' },
  'invalid-scope': { field: 'scope' },
  'owner-required': { field: 'owner' },
  'owner-not-allowed': { field: 'owner' },
  'invalid-status': { field: 'status' },
  'invalid-eta': { field: 'eta' },
  'message-too-long': { field: 'message' },
  'nothing-to-update': { field: 'body' },
  'system-event-exists': { status: 409, title: 'System event is live' },
  'system-event-not-found': { status: 404, title: 'No such live system event' },
  'reserved-event-key': { status: 422, title: 'Reserved event key' },
  'not-a-notice-key': { status: 422, title: 'Not a notice key' },
};

/** A domain refusal as the HTTP answer: the refusal's code is the problem type, its context the extensions. */
export function refusalProblem(refusal: DomainRefusal): ProblemException {
  const answer = ANSWERS[refusal.code];
  if ('field' in answer) {
    return ProblemException.of(400, 'invalid-request', 'Invalid request', refusal.detail, {
      errors: [{ field: answer.field, messages: [refusal.detail] }],
    });
  }
  return ProblemException.of(answer.status, refusal.code, answer.title, refusal.detail, refusal.context);
}
