import { Param, PipeTransform } from '@nestjs/common';
import { ProblemException } from '../problem/problem';

/** Tenant ids such as `Cust12345`; user ids as the CRM's user administration or SCIM hands them out. */
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$/;
const MODULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

class MatchesPipe implements PipeTransform<string, string> {
  constructor(
    private readonly field: string,
    private readonly pattern: RegExp,
  ) {}

  transform(value: string): string {
    if (!this.pattern.test(value)) {
      throw ProblemException.of(400, 'bad-request', 'Bad request', `${this.field} '${value}' is not valid`, {
        errors: [{ field: this.field, messages: [`must match ${this.pattern.source}`] }],
      });
    }
    return value;
  }
}

export const TenantId = () => Param('tenantId', new MatchesPipe('tenantId', TENANT_ID));
export const UserId = () => Param('userId', new MatchesPipe('userId', USER_ID));
export const ModuleName = () => Param('module', new MatchesPipe('module', MODULE_NAME));
/** A UTC month, `yyyy-mm`. */
export const Month = () => Param('month', new MatchesPipe('month', MONTH));
export { MODULE_NAME, TENANT_ID };
