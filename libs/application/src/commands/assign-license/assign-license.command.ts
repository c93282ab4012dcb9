import { LicenseTargetCommand } from '../license-target-command';

/** Give a user a license of an owner; a plan brings the licenses of its `set=` (and releases the previous plan's). */
export class AssignLicenseCommand extends LicenseTargetCommand {}
