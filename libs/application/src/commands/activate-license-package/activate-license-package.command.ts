import { Command } from '@nestjs/cqrs';
import type { LicensePackage } from '@app/domain';
import type { CommandEnvelope } from '../../command-events';

export interface ActivationAnswer {
  packageId: string;
  position: string;
}

/** Activate a signed license package: it replaces its owner's license rows, or is rejected (and that recorded). */
export class ActivateLicensePackageCommand extends Command<ActivationAnswer> {
  constructor(
    readonly tenantId: string,
    readonly pkg: LicensePackage,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
