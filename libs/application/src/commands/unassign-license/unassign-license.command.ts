import { LicenseTargetCommand } from '../license-target-command';

/** Take a license from a user (a plan takes the licenses it implied with it). */
export class UnassignLicenseCommand extends LicenseTargetCommand {}
