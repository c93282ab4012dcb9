import { constants, verify, X509Certificate } from 'node:crypto';
import canonicalize from 'canonicalize';
import forge from 'node-forge';
import type { LicensePackage } from '@app/domain/ledger/license-package';
import {
  buildSignedPackage,
  canonicalJson,
  createRootCertificate,
  signRow,
  TrustedRoots,
  verifyPackage,
} from '@app/signing';
import {
  createTestPki,
  handMadeCertificate,
  NOT_AFTER,
  NOT_BEFORE,
  ownerUnder,
  sampleDescription,
  TestPki,
} from './signing-fixtures';

describe('signing and verifying a package', () => {
  let pki: TestPki;
  let pkg: LicensePackage;

  beforeAll(() => {
    pki = createTestPki();
    pkg = buildSignedPackage(sampleDescription(), pki.superOffice.certificatePem, pki.superOffice.privateKeyPem);
  });

  it('puts the owner certificate into the package and signs every row and the package', () => {
    expect(pkg.owner.certificate).toBe(pki.superOffice.certificatePem);
    expect(pkg.modules.every((row) => row.signature.length > 0)).toBe(true);
    expect(pkg.signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
  });

  it('verifies a package signed by an owner that a trusted root issued', () => {
    expect(verifyPackage(pkg, [pki.root.certificatePem])).toEqual({
      packageSignatureValid: true,
      invalidRowSignatures: [],
      certificate: {
        readable: true,
        chainsToTrustedRoot: true,
        subjectCommonName: 'SUPEROFFICE',
        notBefore: NOT_BEFORE,
        notAfter: NOT_AFTER,
        fingerprint: new X509Certificate(pki.superOffice.certificatePem).fingerprint256.replace(/:/g, '').toLowerCase(),
      },
    });
  });

  it('verifies a row signed on its own', () => {
    const [first, ...others] = pkg.modules;
    const resigned = {
      ...first,
      signature: signRow(first, 'SUPEROFFICE', '1234567890', pki.superOffice.privateKeyPem),
    };
    const repacked = { ...pkg, modules: [resigned, ...others] };
    expect(verifyPackage(repacked, [pki.root.certificatePem]).invalidRowSignatures).toEqual([]);
  });

  it('trusts a package from either of two roots during a rotation', () => {
    const underOther = ownerUnder(pki.otherRoot, 'SUPEROFFICE');
    const fromOther = buildSignedPackage(sampleDescription(), underOther.certificatePem, underOther.privateKeyPem);
    const both = TrustedRoots.fromPems([pki.root.certificatePem, pki.otherRoot.certificatePem]);
    for (const candidate of [pkg, fromOther]) {
      const verification = verifyPackage(candidate, both);
      expect(verification.certificate.chainsToTrustedRoot).toBe(true);
      expect(verification.packageSignatureValid).toBe(true);
    }
    expect(verifyPackage(fromOther, [pki.root.certificatePem]).certificate).toMatchObject({
      readable: true,
      chainsToTrustedRoot: false,
      problem: expect.stringContaining("issued by 'CN=Test Root B'"),
    });
  });

  it('does not trust an owner certificate from an untrusted root, though its signatures verify', () => {
    const verification = verifyPackage(pkg, [pki.otherRoot.certificatePem]);
    expect(verification.packageSignatureValid).toBe(true);
    expect(verification.certificate.chainsToTrustedRoot).toBe(false);
    expect(verification.certificate.problem).toMatch(/not a trusted root/);
  });

  it('does not trust a self-signed owner certificate', () => {
    const selfSigned = handMadeCertificate({ commonName: 'SUPEROFFICE', reuseKeyOf: pki.superOffice });
    const forged = buildSignedPackage(sampleDescription(), selfSigned.certificatePem, selfSigned.privateKeyPem);
    const verification = verifyPackage(forged, [pki.root.certificatePem]);
    expect(verification.packageSignatureValid).toBe(true);
    expect(verification.certificate).toMatchObject({
      readable: true,
      chainsToTrustedRoot: false,
      subjectCommonName: 'SUPEROFFICE',
    });
  });

  it("does not trust a certificate that names a trusted root as issuer but was not signed by the root's key", () => {
    const impostorRoot = handMadeCertificate({ commonName: 'Test Root A', reuseKeyOf: pki.otherRoot });
    const forgedOwner = handMadeCertificate({
      commonName: 'SUPEROFFICE',
      issuer: impostorRoot,
      reuseKeyOf: pki.partner,
    });
    const forged = buildSignedPackage(sampleDescription(), forgedOwner.certificatePem, forgedOwner.privateKeyPem);
    expect(verifyPackage(forged, [pki.root.certificatePem]).certificate).toMatchObject({
      readable: true,
      chainsToTrustedRoot: false,
      problem: expect.stringContaining("the root's key did not sign it"),
    });
  });

  it('reports the common name without judging it against the package owner', () => {
    const partnerSigned = buildSignedPackage(
      sampleDescription(),
      pki.partner.certificatePem,
      pki.partner.privateKeyPem,
    );
    const verification = verifyPackage(partnerSigned, [pki.root.certificatePem]);
    expect(verification.certificate.subjectCommonName).toBe('PARTNER');
    expect(verification.packageSignatureValid).toBe(true);
    expect(verification.certificate.chainsToTrustedRoot).toBe(true);
  });

  it('answers the same facts from a reused set of roots, and facts that callers may change freely', () => {
    const roots = TrustedRoots.fromPems([pki.root.certificatePem]);
    const first = verifyPackage(pkg, roots);
    first.certificate.subjectCommonName = 'changed by the caller';
    expect(verifyPackage(pkg, roots)).toEqual(verifyPackage(pkg, [pki.root.certificatePem]));
  });

  it('chains under a root whose name is not ASCII', () => {
    const root = createRootCertificate({
      commonName: 'Lisensrot Ærøskøbing — “test”',
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
    });
    const owner = ownerUnder(root, 'PARTNER');
    const signed = buildSignedPackage(sampleDescription(), owner.certificatePem, owner.privateKeyPem);
    expect(verifyPackage(signed, [root.certificatePem]).certificate.chainsToTrustedRoot).toBe(true);
    expect(new X509Certificate(owner.certificatePem).issuer).toBe('CN=Lisensrot Ærøskøbing — “test”');
  });

  it('produces certificates that OpenSSL agrees chain to the root', () => {
    const root = new X509Certificate(pki.root.certificatePem);
    const owner = new X509Certificate(pki.superOffice.certificatePem);
    expect(owner.checkIssued(root)).toBe(true);
    expect(owner.verify(root.publicKey)).toBe(true);
    expect(owner.subject).toBe('CN=SUPEROFFICE');
    expect(owner.ca).toBe(false);
    expect(root.ca).toBe(true);
    expect(new Date(owner.validFrom).toISOString()).toBe(NOT_BEFORE);
    expect(new Date(owner.validTo).toISOString()).toBe(NOT_AFTER);
  });

  describe('the scheme is exactly DESIGN.md §5, checked without this library', () => {
    const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

    function rowBytes(candidate: LicensePackage, index: number): Buffer {
      const { signature: _signature, ...row } = candidate.modules[index];
      return Buffer.from(
        canonicalize({ owner: candidate.owner.name, serialNumber: candidate.licensee.serialNumber, row })!,
        'utf8',
      );
    }

    function packageBytes(candidate: LicensePackage): Buffer {
      const { signature: _signature, ...rest } = candidate;
      return Buffer.from(canonicalize(rest)!, 'utf8');
    }

    it("verifies with Node's crypto.verify: RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32", () => {
      const key = new X509Certificate(pkg.owner.certificate).publicKey;
      for (let index = 0; index < pkg.modules.length; index++) {
        expect(
          verify('sha256', rowBytes(pkg, index), { key, ...pss }, Buffer.from(pkg.modules[index].signature, 'base64')),
        ).toBe(true);
      }
      expect(verify('sha256', packageBytes(pkg), { key, ...pss }, Buffer.from(pkg.signature, 'base64'))).toBe(true);
    });

    it("verifies with node-forge's own PSS implementation", () => {
      const key = forge.pki.certificateFromPem(pkg.owner.certificate).publicKey as forge.pki.rsa.PublicKey;
      const forgeVerify = (bytes: Buffer, signature: string) => {
        const md = forge.md.sha256.create();
        md.update(bytes.toString('binary'));
        const scheme = forge.pss.create({
          md: forge.md.sha256.create(),
          mgf: forge.mgf.mgf1.create(forge.md.sha256.create()),
          saltLength: 32,
        });
        return key.verify(md.digest().getBytes(), forge.util.decode64(signature), scheme);
      };
      expect(forgeVerify(rowBytes(pkg, 0), pkg.modules[0].signature)).toBe(true);
      expect(forgeVerify(packageBytes(pkg), pkg.signature)).toBe(true);
    });

    it('refuses a signature made with another salt length', () => {
      const { signature: _signature, ...row } = pkg.modules[0];
      const text = canonicalJson({ owner: pkg.owner.name, serialNumber: pkg.licensee.serialNumber, row });
      const md = forge.md.sha256.create();
      md.update(text, 'utf8');
      const privateKey = forge.pki.privateKeyFromPem(pki.superOffice.privateKeyPem);
      const scheme = forge.pss.create({
        md: forge.md.sha256.create(),
        mgf: forge.mgf.mgf1.create(forge.md.sha256.create()),
        saltLength: 20,
      });
      const salt20 = forge.util.encode64(privateKey.sign(md, scheme));
      const altered = { ...pkg, modules: [{ ...pkg.modules[0], signature: salt20 }, ...pkg.modules.slice(1)] };
      expect(verifyPackage(altered, [pki.root.certificatePem]).invalidRowSignatures).toEqual(['user']);
    });
  });
});
