import { KeyObject } from 'node:crypto';
import type { CertificateFacts, LicensePackage, PackageVerification } from '@app/domain/ledger/license-package';
import {
  commonNameOf,
  decodeCertificatePem,
  fingerprintOf,
  parseCertificateDer,
  publicKeyOf,
  rsaKeyProblem,
} from './certificate-reading';
import { packageSigningText, rowSigningText } from './package-signing';
import { pssVerify } from './rsa-pss';
import { TrustedRoots } from './trusted-roots';

/**
 * Establishes the facts about a package's signatures and owner certificate. It judges nothing: whether the
 * certificate is valid at the command's time and names the package owner is for the domain to decide.
 *
 * The package may be anything a client sent, so this never throws on it; what cannot be checked is reported as
 * not holding. Trusted roots are configuration: a bad root PEM in `trustedRoots` does throw.
 */
export function verifyPackage(
  pkg: LicensePackage,
  trustedRoots: TrustedRoots | readonly string[],
): PackageVerification {
  const roots = trustedRoots instanceof TrustedRoots ? trustedRoots : TrustedRoots.fromPems(trustedRoots);
  // Typed as a package for callers, treated as unknown here: it is whatever the client sent.
  const untrusted: unknown = pkg;
  const input: Record<string, unknown> = isRecord(untrusted) ? untrusted : {};
  const owner: Record<string, unknown> = isRecord(input.owner) ? input.owner : {};
  const licensee: Record<string, unknown> = isRecord(input.licensee) ? input.licensee : {};
  const rows: unknown[] = Array.isArray(input.modules) ? input.modules : [];
  const certificate = inspectCertificate(owner.certificate, roots);
  const key = certificate.publicKey;
  if (!key) {
    return { packageSignatureValid: false, invalidRowSignatures: rows.map(rowLabel), certificate: certificate.facts };
  }
  return {
    packageSignatureValid: holds(() => pssVerify(packageSigningText(input), input.signature, key)),
    invalidRowSignatures: rows.flatMap((row, index) =>
      isRecord(row) &&
      holds(() => pssVerify(rowSigningText(owner.name, licensee.serialNumber, row), row.signature, key))
        ? []
        : [rowLabel(row, index)],
    ),
    certificate: certificate.facts,
  };
}

interface InspectedCertificate {
  facts: CertificateFacts;
  /** Present only when the certificate is readable; signatures are checked with it. */
  publicKey: KeyObject | null;
}

// Packages of one owner carry the same certificate, and parsing plus chain checking costs more than all the row
// signatures together, so each set of roots remembers the certificates it has inspected.
const inspections = new WeakMap<TrustedRoots, Map<string, InspectedCertificate>>();
const INSPECTIONS_KEPT = 256;

function inspectCertificate(pem: unknown, roots: TrustedRoots): InspectedCertificate {
  if (typeof pem !== 'string') return inspect(pem, roots);
  let cache = inspections.get(roots);
  if (!cache) inspections.set(roots, (cache = new Map<string, InspectedCertificate>()));
  let inspected = cache.get(pem);
  if (!inspected) {
    inspected = inspect(pem, roots);
    if (cache.size >= INSPECTIONS_KEPT) cache.delete(cache.keys().next().value as string);
    cache.set(pem, inspected);
  }
  // Callers own what they get back; the cached facts must not change under the next caller.
  return { facts: { ...inspected.facts }, publicKey: inspected.publicKey };
}

function inspect(pem: unknown, roots: TrustedRoots): InspectedCertificate {
  const facts: CertificateFacts = {
    readable: false,
    chainsToTrustedRoot: false,
    subjectCommonName: null,
    notBefore: null,
    notAfter: null,
    fingerprint: null,
  };
  try {
    const der = decodeCertificatePem(pem);
    facts.fingerprint = fingerprintOf(der);
    const certificate = parseCertificateDer(der);
    facts.subjectCommonName = commonNameOf(certificate.subject);
    facts.notBefore = isoOrNull(certificate.validity.notBefore);
    facts.notAfter = isoOrNull(certificate.validity.notAfter);
    const keyProblem = rsaKeyProblem(certificate);
    if (keyProblem) return { facts: { ...facts, problem: keyProblem }, publicKey: null };
    const publicKey = publicKeyOf(certificate);
    const chain = roots.chainOf(certificate);
    facts.readable = true;
    facts.chainsToTrustedRoot = chain.trusted;
    if (chain.problem) facts.problem = chain.problem;
    return { facts, publicKey };
  } catch (error) {
    const problem = `the owner certificate cannot be read: ${messageOf(error)}`;
    return { facts: { ...facts, readable: false, chainsToTrustedRoot: false, problem }, publicKey: null };
  }
}

function rowLabel(row: unknown, index: number): string {
  return isRecord(row) && typeof row.name === 'string' ? row.name : `modules[${index}]`;
}

function holds(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    // canonical JSON refuses some values (cycles, NaN) that a hostile caller could build in memory.
    return false;
  }
}

function isoOrNull(date: Date): string | null {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
