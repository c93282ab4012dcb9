import { Query } from '@nestjs/cqrs';
import type { VerificationReport } from '@app/audit';

/** Every hash chain of the tenant recomputed and every activated package's signatures verified again. */
export class VerifyTenantQuery extends Query<VerificationReport | null> {
  constructor(readonly tenantId: string) {
    super();
  }
}
