import forge from 'node-forge';
import type { LicensePackage, PackageVerification } from '@app/domain/ledger/license-package';
import {
  buildSignedPackage,
  CertificateWithKey,
  createRootCertificate,
  TrustedRoots,
  verifyPackage,
} from '@app/signing';
import { handMadeCertificate, NOT_BEFORE, ownerUnder, sampleDescription } from './signing-fixtures';

// An ECDSA P-256 certificate (CN=SUPEROFFICE), made with `openssl req -x509 -newkey ec`: a well-formed
// certificate whose key is not RSA.
const EC_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBgTCCASegAwIBAgIUZ120T2Xyfr15nmLv4HzEf6RC5SwwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLU1VQRVJPRkZJQ0UwHhcNMjYxMTIyMDg0NzUxWhcNMzYxMTE5
MDg0NzUxWjAWMRQwEgYDVQQDDAtTVVBFUk9GRklDRTBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABFnszAwXw9ujME6L4wP5MVbG60oeAkQpK9ZQxlHcRZVts32DSsyQ
Ef0MWqtFQWzbMVLA+SAiSGx/Zat8jbwoE9yjUzBRMB0GA1UdDgQWBBRppnMllgg/
v+/VuOQpPcxJ3zWl7TAfBgNVHSMEGDAWgBRppnMllgg/v+/VuOQpPcxJ3zWl7TAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCbSI1iDErhtsi8ddg4
L0DIK90m+b1C/VyPg/gxyGRcxQIgUFvnwbwFLHp3qhOk05f4x16rvtSAU6Rj1SUN
tuY5DmE=
-----END CERTIFICATE-----
`;

describe('verifying hostile input', () => {
  let root: CertificateWithKey;
  let owner: CertificateWithKey;
  let roots: TrustedRoots;
  let pkg: LicensePackage;

  beforeAll(() => {
    root = createRootCertificate({
      commonName: 'Hostile Test Root',
      notBefore: NOT_BEFORE,
      notAfter: '2036-01-01T00:00:00.000Z',
    });
    owner = ownerUnder(root, 'SUPEROFFICE');
    roots = TrustedRoots.fromPems([root.certificatePem]);
    pkg = buildSignedPackage(sampleDescription(), owner.certificatePem, owner.privateKeyPem);
  });

  const withCertificate = (certificate: unknown): LicensePackage =>
    ({ ...pkg, owner: { ...pkg.owner, certificate } }) as unknown as LicensePackage;
  const everyRow = () => pkg.modules.map((row) => row.name);

  function expectUnreadable(verification: PackageVerification, problem: RegExp) {
    expect(verification.packageSignatureValid).toBe(false);
    expect(verification.invalidRowSignatures).toEqual(everyRow());
    expect(verification.certificate.readable).toBe(false);
    expect(verification.certificate.chainsToTrustedRoot).toBe(false);
    expect(verification.certificate.problem).toMatch(problem);
  }

  // Tables hold functions: the package and keys exist only once beforeAll has run.
  it.each<[string, () => unknown, RegExp]>([
    ['garbage text', () => 'not a certificate at all', /no PEM block/],
    ['an empty string', () => '', /no certificate PEM/],
    ['a number', () => 12345, /no certificate PEM/],
    ['null', () => null, /no certificate PEM/],
    ['a truncated PEM', () => owner.certificatePem.slice(0, 600) + '\n-----END CERTIFICATE-----\n', /cannot be read/],
    ['a PEM block that is a private key', () => owner.privateKeyPem, /'RSA PRIVATE KEY', not 'CERTIFICATE'/],
    ['a PEM block of bytes that are not DER', () => pemOf(Buffer.from('hello world, no DER here')), /cannot be read/],
    ['an ECDSA certificate', () => EC_CERTIFICATE, /not RSA/],
    ['a megabyte of PEM headers', () => '-----BEGIN CERTIFICATE-----\nAAAA\n'.repeat(30_000), /longer than 64 KiB/],
  ])('reports %s as an unreadable certificate', (_case, certificate, problem) => {
    expectUnreadable(verifyPackage(withCertificate(certificate()), roots), problem);
  });

  it('reports a 1024-bit key as unreadable, with the facts it could still read', () => {
    const weak = handMadeCertificate({ commonName: 'SUPEROFFICE', bits: 1024, issuer: root });
    const verification = verifyPackage(withCertificate(weak.certificatePem), roots);
    expectUnreadable(verification, /1024 bits; at least 2048/);
    expect(verification.certificate.subjectCommonName).toBe('SUPEROFFICE');
    expect(verification.certificate.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, () => unknown]>([
    ['not base64', () => '!!!not*base64!!!'],
    ['base64 with a stray line break', () => `${pkg.signature.slice(0, 10)}\n${pkg.signature.slice(10)}`],
    ['empty', () => ''],
    ['a number', () => 42],
    ['missing', () => undefined],
    ['far too long', () => Buffer.alloc(4096, 7).toString('base64')],
  ])('reports a package signature that is %s as invalid', (_case, signature) => {
    const verification = verifyPackage({ ...pkg, signature: signature() } as unknown as LicensePackage, roots);
    expect(verification.packageSignatureValid).toBe(false);
    expect(verification.invalidRowSignatures).toEqual([]);
  });

  it('reports rows that are not rows, naming them by position', () => {
    const candidate = {
      ...pkg,
      modules: [pkg.modules[0], null, 7, 'web', [], { name: 42 }, { name: 'bare' }],
    } as unknown as LicensePackage;
    expect(verifyPackage(candidate, roots).invalidRowSignatures).toEqual([
      'modules[1]',
      'modules[2]',
      'modules[3]',
      'modules[4]',
      'modules[5]',
      'bare',
    ]);
  });

  it.each<[string, () => unknown]>([
    ['null', () => null],
    ['a string', () => 'package'],
    ['an array', () => []],
    ['an empty object', () => ({})],
    ['a package without owner', () => ({ ...pkg, owner: undefined })],
    ['a package whose owner is a string', () => ({ ...pkg, owner: 'SUPEROFFICE' })],
    ['a package without licensee', () => ({ ...pkg, licensee: undefined })],
    ['a package whose modules is an object', () => ({ ...pkg, modules: { user: 1 } })],
    [
      'a package whose row signatures are objects',
      () => ({ ...pkg, modules: pkg.modules.map((row) => ({ ...row, signature: {} })) }),
    ],
  ])('never throws on %s', (_case, candidate) => {
    expect(verifyPackage(candidate() as LicensePackage, roots).packageSignatureValid).toBe(false);
  });

  it('never throws on a cyclic row built in memory', () => {
    const cyclic: Record<string, unknown> = { ...pkg.modules[0] };
    cyclic.self = cyclic;
    const candidate = { ...pkg, modules: [cyclic, ...pkg.modules.slice(1)] } as unknown as LicensePackage;
    const verification = verifyPackage(candidate, roots);
    expect(verification.invalidRowSignatures).toEqual(['user']);
    expect(verification.packageSignatureValid).toBe(false);
  });

  it('never throws on random mutations of a signed package, and lets none through', () => {
    const text = JSON.stringify(pkg);
    const random = seeded(20260301);
    let noticed = 0;
    for (let round = 0; round < 200; round++) {
      const chars = [...text];
      const at = Math.floor(random() * chars.length);
      chars[at] = String.fromCharCode(32 + Math.floor(random() * 95));
      let candidate: unknown;
      try {
        candidate = JSON.parse(chars.join(''));
      } catch {
        continue;
      }
      if (JSON.stringify(candidate) === text) continue;
      const verification = verifyPackage(candidate as LicensePackage, roots);
      const allHolds =
        verification.packageSignatureValid &&
        verification.invalidRowSignatures.length === 0 &&
        verification.certificate.chainsToTrustedRoot;
      // A changed certificate PEM may still decode to the same DER (e.g. a changed line break); nothing else may pass.
      if (allHolds)
        expect(forge.pem.decode((candidate as LicensePackage).owner.certificate)[0].body).toBe(
          forge.pem.decode(pkg.owner.certificate)[0].body,
        );
      else noticed++;
    }
    expect(noticed).toBeGreaterThan(50);
  });
});

function pemOf(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
}

/** mulberry32: a repeatable sequence, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
