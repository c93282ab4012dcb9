import type { LicensePackage } from '@app/domain';
import type { JsonObject } from '@app/event-store';
import { TrustedRoots, verifyPackage } from '@app/signing';

export interface PackageSignatureCheck {
  packageId: string | null;
  owner: string | null;
  sequence: number | null;
  signatureValid: boolean;
  /** Why the signatures do not hold; empty when they do. */
  reasons: string[];
  /**
   * Everything holds except trust: the signatures verify with the owner certificate, but it chains to none of the
   * configured roots. Usually a verifier started without the issuer's root (LICENSING_TRUSTED_ROOTS), not tampering.
   */
  onlyTrustMissing: boolean;
}

/**
 * Verifies again, with today's trusted roots, the package an activation event recorded: the package and row
 * signatures, the owner certificate's chain to a trusted root and its name, that it is the certificate recorded at
 * activation, and that it was valid when the package was activated. The data is treated as untrusted: it is what
 * the store holds now.
 */
export function checkActivatedPackage(data: JsonObject, roots: TrustedRoots): PackageSignatureCheck {
  // Sound: not decoded on purpose. The auditor checks what the store holds now, tampered or not; verifyPackage
  // treats every field as untrusted and reports what does not verify, so no shape check may stand before it.
  const pkg = (isObject(data.package) ? data.package : {}) as unknown as Partial<LicensePackage>;
  const owner = isObject(pkg.owner) && typeof pkg.owner.name === 'string' ? pkg.owner.name : null;
  const verification = verifyPackage(pkg as LicensePackage, roots);
  const certificate = verification.certificate;
  const reasons: string[] = [];
  let untrusted = false;
  if (!verification.packageSignatureValid) reasons.push('the package signature does not verify with the owner key');
  if (verification.invalidRowSignatures.length > 0)
    reasons.push(`row signatures do not verify: ${verification.invalidRowSignatures.join(', ')}`);
  if (!certificate.readable) reasons.push(certificate.problem ?? 'the owner certificate cannot be read');
  else {
    if (!certificate.chainsToTrustedRoot) {
      reasons.push(certificate.problem ?? 'the owner certificate is not issued by a trusted root');
      untrusted = true;
    }
    if (certificate.subjectCommonName !== owner)
      reasons.push(`the certificate names '${certificate.subjectCommonName}', the package owner is '${owner}'`);
    if (certificate.fingerprint !== data.certificateFingerprint)
      reasons.push('the owner certificate is not the one recorded at activation');
    const activatedAt = typeof data.activatedAt === 'string' ? Date.parse(data.activatedAt) : NaN;
    const from = certificate.notBefore ? Date.parse(certificate.notBefore) : -Infinity;
    const to = certificate.notAfter ? Date.parse(certificate.notAfter) : Infinity;
    if (!(activatedAt >= from && activatedAt <= to))
      reasons.push(`the owner certificate was not valid at activation (${String(data.activatedAt)})`);
  }
  return {
    packageId: typeof pkg.packageId === 'string' ? pkg.packageId : null,
    owner,
    sequence: typeof pkg.sequence === 'number' ? pkg.sequence : null,
    signatureValid: reasons.length === 0,
    reasons,
    onlyTrustMissing: untrusted && reasons.length === 1,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
