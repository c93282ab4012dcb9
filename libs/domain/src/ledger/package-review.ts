import { holdersOf, inUse as inUseOf, LedgerState, moduleFromRow } from './ledger.events';
import type { LicensePackage, PackageVerification } from './license-package';

/**
 * Reviewing a package: may it replace its owner's licenses, and what would change? The dry run (validate) shows
 * this review; activation records it as an activation or a rejection. One function, so the two never disagree.
 */

export type RejectionCode =
  | 'package-signature-invalid'
  | 'row-signature-invalid'
  | 'certificate-unreadable'
  | 'owner-not-trusted'
  | 'certificate-owner-mismatch'
  | 'certificate-not-yet-valid'
  | 'certificate-expired'
  | 'tenant-mismatch'
  | 'serial-number-mismatch'
  | 'sequence-not-newer'
  | 'package-expired'
  | 'package-inconsistent'
  | 'number-below-in-use';

export interface RejectionReason {
  code: RejectionCode;
  detail: string;
  /** Module names concerned, where the reason is about rows. */
  modules?: string[];
  /** For number-below-in-use: each license that must first be released, and by how many. */
  licenses?: Array<{ module: string; inUse: number; newNumber: number; mustRemove: number; holders: string[] }>;
}

export interface LicenseChange {
  module: string;
  /** Null when the module is new in this package. */
  current: number | null;
  /** Null when the package drops the module. */
  new: number | null;
  inUse: number;
  free: number | null;
  newFree: number | null;
  mustRemove: number;
  unrestricted: boolean;
}

export interface PackageReview {
  canBeActivated: boolean;
  reasons: RejectionReason[];
  changes: LicenseChange[];
}

export interface PackageUnderReview {
  /** The tenant the package is being activated for (the URL's tenant). */
  tenantId: string;
  package: LicensePackage;
  verification: PackageVerification;
}

export function reviewPackage(state: LedgerState, input: PackageUnderReview, now: string): PackageReview {
  const reasons = [
    ...signatureReasons(input),
    ...certificateReasons(input, now),
    ...continuityReasons(state, input),
    ...datesReasons(input.package, now),
    ...consistencyReasons(input.package),
  ];
  const changes = licenseChanges(state, input.package);
  const belowInUse = changes.filter((change) => change.mustRemove > 0);
  if (belowInUse.length > 0) {
    reasons.push({
      code: 'number-below-in-use',
      detail: `the new number of ${belowInUse.map((c) => c.module).join(', ')} is below the number in use: release the surplus first`,
      licenses: belowInUse.map((change) => ({
        module: change.module,
        inUse: change.inUse,
        newNumber: change.new ?? 0,
        mustRemove: change.mustRemove,
        holders: holdersOf(state, input.package.owner.name, change.module).sort(),
      })),
    });
  }
  return { canBeActivated: reasons.length === 0, reasons, changes };
}

function signatureReasons({ verification }: PackageUnderReview): RejectionReason[] {
  const reasons: RejectionReason[] = [];
  if (!verification.packageSignatureValid) {
    reasons.push({
      code: 'package-signature-invalid',
      detail: 'the package signature does not verify with the owner key',
    });
  }
  if (verification.invalidRowSignatures.length > 0) {
    reasons.push({
      code: 'row-signature-invalid',
      detail: `row signatures do not verify: ${verification.invalidRowSignatures.join(', ')}`,
      modules: [...verification.invalidRowSignatures],
    });
  }
  return reasons;
}

function certificateReasons({ package: pkg, verification }: PackageUnderReview, now: string): RejectionReason[] {
  const certificate = verification.certificate;
  if (!certificate.readable) {
    return [{ code: 'certificate-unreadable', detail: certificate.problem ?? 'the owner certificate cannot be read' }];
  }
  const reasons: RejectionReason[] = [];
  if (!certificate.chainsToTrustedRoot) {
    reasons.push({
      code: 'owner-not-trusted',
      detail: certificate.problem ?? 'the owner certificate is not issued by a trusted root',
    });
  }
  if (certificate.subjectCommonName !== pkg.owner.name) {
    reasons.push({
      code: 'certificate-owner-mismatch',
      detail: `the certificate names '${certificate.subjectCommonName}', the package owner is '${pkg.owner.name}'`,
    });
  }
  const at = Date.parse(now);
  if (certificate.notBefore && Date.parse(certificate.notBefore) > at) {
    reasons.push({
      code: 'certificate-not-yet-valid',
      detail: `the owner certificate is valid from ${certificate.notBefore}`,
    });
  }
  if (certificate.notAfter && Date.parse(certificate.notAfter) < at) {
    reasons.push({ code: 'certificate-expired', detail: `the owner certificate expired at ${certificate.notAfter}` });
  }
  return reasons;
}

function continuityReasons(state: LedgerState, { tenantId, package: pkg }: PackageUnderReview): RejectionReason[] {
  const reasons: RejectionReason[] = [];
  if (pkg.tenantId !== tenantId) {
    reasons.push({ code: 'tenant-mismatch', detail: `the package is for tenant '${pkg.tenantId}', not '${tenantId}'` });
  }
  const active = state.status === 'active' ? state.owners[pkg.owner.name] : undefined;
  if (active && active.serialNumber !== pkg.licensee.serialNumber) {
    reasons.push({
      code: 'serial-number-mismatch',
      detail: `the package has serial number '${pkg.licensee.serialNumber}', the active package '${active.serialNumber}'`,
    });
  }
  if (active && pkg.sequence <= active.sequence) {
    reasons.push({
      code: 'sequence-not-newer',
      detail: `the package has sequence ${pkg.sequence}, not newer than the active package's ${active.sequence}`,
    });
  }
  return reasons;
}

function datesReasons(pkg: LicensePackage, now: string): RejectionReason[] {
  if (pkg.dates.expiration && Date.parse(pkg.dates.expiration) < Date.parse(now)) {
    return [{ code: 'package-expired', detail: `the package expired at ${pkg.dates.expiration}` }];
  }
  return [];
}

/** Rows that make no sense together; the issuer signed them, but this ledger could not honour them. */
function consistencyReasons(pkg: LicensePackage): RejectionReason[] {
  const problems: string[] = [];
  const modules: string[] = [];
  const byName = new Map(pkg.modules.map((row) => [row.name, row]));
  if (byName.size !== pkg.modules.length) problems.push('a module name appears more than once');
  for (const row of pkg.modules) {
    const license = moduleFromRow(row);
    if (!Number.isInteger(row.number) || row.number < 1)
      problem(row.name, `${row.name}: the number must be a positive integer`);
    if (license.prerequisite && !byName.has(license.prerequisite)) {
      problem(row.name, `${row.name}: prerequisite ${license.prerequisite} is not in the package`);
    }
    if (license.isPlan && row.type !== 3) problem(row.name, `${row.name}: a plan must be a user license (type 3)`);
    for (const implied of license.implies) {
      const target = byName.get(implied);
      if (!target) problem(row.name, `${row.name}: its set names ${implied}, which is not in the package`);
      else if (target.type !== 3)
        problem(row.name, `${row.name}: its set names ${implied}, which is not a user license`);
      else if (target.extraFlags === 1) problem(row.name, `${row.name}: its set names another plan, ${implied}`);
    }
  }
  return problems.length === 0 ? [] : [{ code: 'package-inconsistent', detail: problems.join('; '), modules }];

  function problem(module: string, text: string) {
    problems.push(text);
    if (!modules.includes(module)) modules.push(module);
  }
}

function licenseChanges(state: LedgerState, pkg: LicensePackage): LicenseChange[] {
  const owner = pkg.owner.name;
  const current = state.status === 'active' ? (state.owners[owner]?.modules ?? {}) : {};
  const next = new Map(pkg.modules.map((row) => [row.name, row]));
  const names = [...new Set([...Object.keys(current), ...next.keys()])];
  const changes: LicenseChange[] = [];
  for (const module of names) {
    const before = current[module];
    const after = next.get(module);
    if (before && after && before.number === after.number && before.unrestricted === after.unrestricted) continue;
    const inUse = inUseOf(state, owner, module);
    const unrestricted = after?.unrestricted ?? false;
    const newNumber = after?.number ?? 0;
    changes.push({
      module,
      current: before ? before.number : null,
      new: after ? after.number : null,
      inUse,
      free: before ? before.number - inUse : null,
      newFree: after ? after.number - inUse : null,
      mustRemove: unrestricted ? 0 : Math.max(0, inUse - newNumber),
      unrestricted,
    });
  }
  return changes.sort((a, b) => a.module.localeCompare(b.module));
}
