import type { LicensePackage, ModuleRow } from '@app/domain/ledger/license-package';
import {
  buildSignedPackage,
  CertificateWithKey,
  createRootCertificate,
  signPackage,
  signRow,
  TrustedRoots,
  verifyPackage,
} from '@app/signing';
import { NOT_BEFORE, ownerUnder, sampleDescription } from './signing-fixtures';

describe('tampering with a signed package', () => {
  let root: CertificateWithKey;
  let owner: CertificateWithKey;
  let roots: TrustedRoots;
  let pkg: LicensePackage;

  beforeAll(() => {
    root = createRootCertificate({
      commonName: 'Tamper Test Root',
      notBefore: NOT_BEFORE,
      notAfter: '2036-01-01T00:00:00.000Z',
    });
    owner = ownerUnder(root, 'SUPEROFFICE');
    roots = TrustedRoots.fromPems([root.certificatePem]);
    pkg = buildSignedPackage(sampleDescription(), owner.certificatePem, owner.privateKeyPem);
  });

  const copy = (): LicensePackage => structuredClone(pkg);
  const row = (candidate: LicensePackage, name: string): ModuleRow => candidate.modules.find((r) => r.name === name)!;
  /** What only the owner could do: sign the package again, so that only the row facts remain to catch a change. */
  const resealed = (candidate: LicensePackage): LicensePackage => ({
    ...candidate,
    signature: signPackage(candidate, owner.privateKeyPem),
  });

  it('starts from a package that verifies', () => {
    const verification = verifyPackage(pkg, roots);
    expect(verification.packageSignatureValid).toBe(true);
    expect(verification.invalidRowSignatures).toEqual([]);
  });

  it('detects a changed byte of a row signature', () => {
    const tampered = copy();
    const bytes = Buffer.from(row(tampered, 'web').signature, 'base64');
    bytes[17] ^= 0x01;
    row(tampered, 'web').signature = bytes.toString('base64');
    expect(verifyPackage(tampered, roots)).toMatchObject({
      packageSignatureValid: false,
      invalidRowSignatures: ['web'],
    });
    expect(verifyPackage(resealed(tampered), roots)).toMatchObject({
      packageSignatureValid: true,
      invalidRowSignatures: ['web'],
    });
  });

  it('detects a raised number in a row', () => {
    const tampered = copy();
    row(tampered, 'user').number = 2500;
    expect(verifyPackage(tampered, roots)).toMatchObject({
      packageSignatureValid: false,
      invalidRowSignatures: ['user'],
    });
    expect(verifyPackage(resealed(tampered), roots).invalidRowSignatures).toEqual(['user']);
  });

  it('detects a field added to a row', () => {
    const tampered = copy();
    (row(tampered, 'saint') as ModuleRow & { note?: string }).note = 'free upgrade';
    expect(verifyPackage(resealed(tampered), roots).invalidRowSignatures).toEqual(['saint']);
  });

  it('detects a row moved from a package for another serial number', () => {
    const other = buildSignedPackage(
      sampleDescription({ licensee: { companyName: 'Other', serialNumber: '9999999999', databaseType: 'MSSQL' } }),
      owner.certificatePem,
      owner.privateKeyPem,
    );
    const tampered = copy();
    tampered.modules = tampered.modules.map((r) => (r.name === 'chat-cal' ? row(other, 'chat-cal') : r));
    expect(verifyPackage(resealed(tampered), roots)).toMatchObject({
      packageSignatureValid: true,
      invalidRowSignatures: ['chat-cal'],
    });
  });

  it('detects a row moved from a package of another owner, even one signed with the same key', () => {
    const tampered = copy();
    const { signature: _signature, ...unsigned } = row(tampered, 'chat-cal');
    row(tampered, 'chat-cal').signature = signRow(
      unsigned,
      'PARTNER',
      tampered.licensee.serialNumber,
      owner.privateKeyPem,
    );
    expect(verifyPackage(resealed(tampered), roots)).toMatchObject({
      packageSignatureValid: true,
      invalidRowSignatures: ['chat-cal'],
    });
  });

  it('detects a dropped row through the package signature', () => {
    const tampered = copy();
    tampered.modules = tampered.modules.filter((r) => r.name !== 'saint');
    expect(verifyPackage(tampered, roots)).toMatchObject({ packageSignatureValid: false, invalidRowSignatures: [] });
  });

  it('detects reordered rows through the package signature', () => {
    const tampered = copy();
    tampered.modules.reverse();
    expect(verifyPackage(tampered, roots)).toMatchObject({ packageSignatureValid: false, invalidRowSignatures: [] });
  });

  it.each([
    ['sequence', (p: LicensePackage) => void (p.sequence = 99)],
    ['tenantId', (p: LicensePackage) => void (p.tenantId = 'Cust99999')],
    ['dates.expiration', (p: LicensePackage) => void (p.dates.expiration = null)],
    ['licensee.companyName', (p: LicensePackage) => void (p.licensee.companyName = 'Someone else')],
    ['an added top-level field', (p: LicensePackage) => void Object.assign(p, { comment: 'hi' })],
  ])('detects a changed %s through the package signature', (_field, change) => {
    const tampered = copy();
    change(tampered);
    expect(verifyPackage(tampered, roots)).toMatchObject({ packageSignatureValid: false, invalidRowSignatures: [] });
  });

  it('detects a changed serial number in every row as well as in the package', () => {
    const tampered = copy();
    tampered.licensee.serialNumber = '1234567891';
    const verification = verifyPackage(tampered, roots);
    expect(verification.packageSignatureValid).toBe(false);
    expect(verification.invalidRowSignatures).toEqual(tampered.modules.map((r) => r.name));
  });

  it("detects a certificate swapped for another trusted owner's", () => {
    const partner = ownerUnder(root, 'SUPEROFFICE');
    const tampered = copy();
    tampered.owner.certificate = partner.certificatePem;
    const verification = verifyPackage(tampered, roots);
    expect(verification.certificate.chainsToTrustedRoot).toBe(true);
    expect(verification.packageSignatureValid).toBe(false);
    expect(verification.invalidRowSignatures).toHaveLength(tampered.modules.length);
  });
});
