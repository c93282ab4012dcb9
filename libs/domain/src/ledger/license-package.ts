/**
 * The signed license package, format `license-package/v1` (DESIGN.md §5), as the issuer's license server sends it,
 * and the facts a signature check establishes about it. The domain decides what those facts mean; it never does
 * cryptography itself.
 */

export const LICENSE_PACKAGE_FORMAT = 'license-package/v1';

/** 1 = system/site-wide (on or off), 2 = site/satellite, 3 = user license (assigned to users, counted). */
export type LicenseType = 1 | 2 | 3;

/** 0 normal, 1 user plan, 2 site-level marker. */
export type ExtraFlags = 0 | 1 | 2;

/**
 * Optional text fields (a row's description, tooltip, version, extraInfo and prerequisite; the owner's description;
 * the licensee's database type) may be `null` or `""`: both mean none. They are kept exactly as signed, and read
 * through `textOf` / `noneIfEmpty`.
 */
export type OptionalText = string | null;

/** An optional text field as text: none is `""`. */
export const textOf = (value: OptionalText | undefined): string => value ?? '';

/** An optional text field as a value or null: `""` and null both mean none. */
export const noneIfEmpty = (value: OptionalText | undefined): string | null =>
  value === undefined || value === null || value === '' ? null : value;

export interface ModuleRow {
  name: string;
  description: OptionalText;
  tooltip: OptionalText;
  version: OptionalText;
  type: LicenseType;
  number: number;
  unrestricted: boolean;
  hidden: boolean;
  extraFlags: ExtraFlags;
  /** For a plan: `set=user,web,chat-cal`, the hidden user licenses the plan assigns implicitly. */
  extraInfo: OptionalText;
  /** Module that must be held too (e.g. `web` needs `user`); empty string or null when none. */
  prerequisite: OptionalText;
  sortOrder: number;
  /** base64 RSASSA-PSS signature over JCS({owner, serialNumber, row without signature}). */
  signature: string;
}

export interface PackageDates {
  /** ISO-8601; null = never expires. */
  expiration: string | null;
  /** The real stop date: after it modules are read-only and nothing may be assigned. */
  graceTo: string | null;
  maintenanceTo: string | null;
  adminWarningDate: string | null;
  nextCheckDate: string | null;
}

export interface LicensePackage {
  format: typeof LICENSE_PACKAGE_FORMAT;
  packageId: string;
  /** Grows with each package of one owner and tenant. */
  sequence: number;
  issuedAt: string;
  tenantId: string;
  owner: { name: string; description: OptionalText; certificate: string };
  licensee: { companyName: string; serialNumber: string; databaseType: OptionalText };
  dates: PackageDates;
  modules: ModuleRow[];
  /** base64 RSASSA-PSS signature over JCS(package without this field). */
  signature: string;
}

/** What checking a package's signatures and certificate established. Produced by the signing library. */
export interface PackageVerification {
  /** The package signature verifies with the owner certificate's key. */
  packageSignatureValid: boolean;
  /** Names of the module rows whose row signature does not verify with the owner certificate's key. */
  invalidRowSignatures: string[];
  certificate: CertificateFacts;
}

export interface CertificateFacts {
  /** The certificate parsed as X.509 PEM with an RSA key of at least 2048 bits. */
  readable: boolean;
  /** Issued (signed) by one of the trusted root certificates. */
  chainsToTrustedRoot: boolean;
  /** Subject common name; must equal the package's owner name. */
  subjectCommonName: string | null;
  /** Validity window (ISO-8601); the decider compares it with the command's time. */
  notBefore: string | null;
  notAfter: string | null;
  /** SHA-256 fingerprint (hex) of the certificate, for the audit trail. */
  fingerprint: string | null;
  /** Why the certificate could not be read or chained, for humans. */
  problem?: string;
}
