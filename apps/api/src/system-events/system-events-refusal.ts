import type { Refusal, SystemEventsRefusalCode } from '@app/domain';
import { ProblemException } from '../problem/problem';

/** Refusals about the request's own fields: answered like any invalid request, naming the field. */
const INVALID_FIELD: Partial<Record<SystemEventsRefusalCode, string>> = {
  'invalid-event-key': 'eventKey',
  'invalid-scope': 'scope',
  'owner-required': 'owner',
  'owner-not-allowed': 'owner',
  'invalid-status': 'status',
  'invalid-eta': 'eta',
  'message-too-long': 'message',
  'nothing-to-update': 'body',
};

const STATUS: Partial<Record<SystemEventsRefusalCode, [number, string]>> = {
  'system-event-exists': [409, 'System event is live'],
  'system-event-not-found': [404, 'No such live system event'],
  'reserved-event-key': [422, 'Reserved event key'],
  'not-a-notice-key': [422, 'Not a notice key'],
};

/** The system-events decider's refusal (the runner types it loosely) as the HTTP answer. */
export function systemEventsProblem(refusal: Refusal): ProblemException {
  const code = refusal.code as SystemEventsRefusalCode;
  const field = INVALID_FIELD[code];
  if (field) {
    return ProblemException.of(400, 'invalid-request', 'Invalid request', refusal.detail, { errors: [{ field, messages: [refusal.detail] }] });
  }
  const [status, title] = STATUS[code] ?? [422, 'Refused'];
  return ProblemException.of(status, refusal.code, title, refusal.detail, refusal.context);
}
