import { isValidEventKey, SystemEventKey, SystemEventScope } from '@app/domain';
import { ProblemException } from '../../problem/problem';
import { SYSTEM_EVENT_OWNER } from './system-event.dto';

/** The (eventKey, scope, owner) of `/system-events/{eventKey}?scope=&owner=`; whether owner suits scope the decider says. */
export function systemEventKeyOf(
  eventKey: string,
  scope: string | undefined,
  owner: string | undefined,
): SystemEventKey {
  const errors: Array<{ field: string; messages: string[] }> = [];
  if (!isValidEventKey(eventKey))
    errors.push({ field: 'eventKey', messages: ['a letter, then letters, digits, _ . or -, at most 64 characters'] });
  if (scope === undefined || !/^[1-4]$/.test(scope))
    errors.push({
      field: 'scope',
      messages: ['scope is required: 1 (system-wide), 2 (database), 3 (group) or 4 (user)'],
    });
  if (owner !== undefined && !SYSTEM_EVENT_OWNER.test(owner))
    errors.push({ field: 'owner', messages: ['owner is a group or user id'] });
  if (errors.length > 0) {
    throw ProblemException.of(
      400,
      'bad-request',
      'Bad request',
      errors.map((error) => `${error.field}: ${error.messages.join(', ')}`).join('; '),
      { errors },
    );
  }
  return { eventKey, scope: Number(scope) as SystemEventScope, owner: owner ?? null };
}
