import { LICENSE_PACKAGE_FORMAT, PackageVerification } from '@app/domain/ledger/license-package';

/**
 * The issuer's own reading of a package: the facts the backend will establish, judged the way its ledger judges
 * them at the time `at`. It cannot know the tenant's active package, so sequence and numbers in use are not here.
 */
export interface PackageCheck {
  holds: boolean;
  lines: string[];
}

interface Finding {
  ok: boolean;
  text: string;
}

export function checkPackage(pkg: unknown, verification: PackageVerification, at: Date): PackageCheck {
  const input = isObject(pkg) ? pkg : {};
  const owner = isObject(input.owner) ? input.owner : {};
  const licensee = isObject(input.licensee) ? input.licensee : {};
  const dates = isObject(input.dates) ? input.dates : {};
  const rows = Array.isArray(input.modules) ? input.modules : [];
  const certificate = verification.certificate;
  const when = at.toISOString();
  const formatHolds = input.format === LICENSE_PACKAGE_FORMAT;
  const ownerHolds = certificate.subjectCommonName !== null && certificate.subjectCommonName === owner.name;

  const findings: Finding[] = [
    {
      ok: formatHolds,
      text: `format ${show(input.format)}${formatHolds ? '' : `, expected ${LICENSE_PACKAGE_FORMAT}`}`,
    },
    {
      ok: verification.packageSignatureValid,
      text: `package signature ${verification.packageSignatureValid ? 'verifies' : 'does not verify'}`,
    },
    verification.invalidRowSignatures.length === 0
      ? { ok: true, text: `row signatures verify (${count(rows.length, 'row')})` }
      : { ok: false, text: `row signatures do not verify: ${verification.invalidRowSignatures.join(', ')}` },
    certificate.readable
      ? { ok: true, text: `owner certificate CN=${certificate.subjectCommonName}, SHA-256 ${certificate.fingerprint}` }
      : { ok: false, text: `owner certificate unreadable: ${certificate.problem ?? 'unknown reason'}` },
    certificate.chainsToTrustedRoot
      ? { ok: true, text: 'owner certificate is issued by a trusted root' }
      : {
          ok: false,
          text: `owner certificate is not trusted: ${certificate.problem ?? 'not issued by a trusted root'}`,
        },
    {
      ok: ownerHolds,
      text: `certificate CN ${show(certificate.subjectCommonName)} ${ownerHolds ? 'is' : 'is not'} the package owner ${show(owner.name)}`,
    },
    validityFinding(certificate.notBefore, certificate.notAfter, at),
    expirationFinding(dates.expiration, at),
  ];
  const problems = findings.filter((finding) => !finding.ok).length;
  return {
    holds: problems === 0,
    lines: [
      `package ${show(input.packageId)} sequence ${show(input.sequence)}, tenant ${show(input.tenantId)}, owner ${show(owner.name)}, ` +
        `serial ${show(licensee.serialNumber)}, ${count(rows.length, 'module')}; checked at ${when}`,
      ...findings.map((finding) => `  ${finding.ok ? 'ok  ' : 'FAIL'}  ${finding.text}`),
      problems === 0 ? 'result: the package holds' : `result: ${count(problems, 'problem')}`,
    ],
  };
}

function validityFinding(notBefore: string | null, notAfter: string | null, at: Date): Finding {
  if (!notBefore || !notAfter) return { ok: false, text: 'certificate validity unknown' };
  const window = `${notBefore} to ${notAfter}`;
  if (Date.parse(notBefore) > at.getTime())
    return { ok: false, text: `certificate not yet valid at ${at.toISOString()} (${window})` };
  if (Date.parse(notAfter) < at.getTime())
    return { ok: false, text: `certificate expired at ${at.toISOString()} (${window})` };
  return { ok: true, text: `certificate valid at ${at.toISOString()} (${window})` };
}

function expirationFinding(expiration: unknown, at: Date): Finding {
  if (expiration === null || expiration === undefined) return { ok: true, text: 'package never expires' };
  if (typeof expiration !== 'string' || Number.isNaN(Date.parse(expiration))) {
    return { ok: false, text: `package expiration ${show(expiration)} is not a time` };
  }
  return Date.parse(expiration) < at.getTime()
    ? { ok: false, text: `package expired at ${expiration}` }
    : { ok: true, text: `package expires at ${expiration}` };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'missing');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
