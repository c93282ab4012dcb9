import { Param, PipeTransform } from '@nestjs/common';
import {
  FIRST_MONTH,
  isCalendarMonth,
  LAST_MONTH,
  MODULE_NAME_PATTERN,
  TENANT_ID_PATTERN,
  USER_ID_PATTERN,
} from '@app/domain';
import { ProblemException } from '../problem/problem';

class MatchesPipe implements PipeTransform<string, string> {
  constructor(
    private readonly field: string,
    private readonly valid: (value: string) => boolean,
    private readonly rule: string,
  ) {}

  transform(value: string): string {
    if (!this.valid(value)) {
      // The value itself is not echoed: it may be anything (control characters, megabytes of it).
      throw ProblemException.of(400, 'bad-request', 'Bad request', `${this.field} is not valid: ${this.rule}`, {
        errors: [{ field: this.field, messages: [this.rule] }],
      });
    }
    return value;
  }
}

const matching = (field: string, pattern: RegExp) =>
  new MatchesPipe(field, (value) => pattern.test(value), `must match ${pattern.source}`);

export const TenantId = () => Param('tenantId', matching('tenantId', TENANT_ID_PATTERN));
export const UserId = () => Param('userId', matching('userId', USER_ID_PATTERN));
export const ModuleName = () => Param('module', matching('module', MODULE_NAME_PATTERN));
/** A UTC month, `yyyy-mm`, that the calendar has (see the domain's isCalendarMonth). */
export const Month = () =>
  Param('month', new MatchesPipe('month', isCalendarMonth, `a month yyyy-mm from ${FIRST_MONTH} to ${LAST_MONTH}`));
