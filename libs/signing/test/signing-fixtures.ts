import forge from 'node-forge';
import { LICENSE_PACKAGE_FORMAT } from '@app/domain/ledger/license-package';
import { CertificateWithKey, createRootCertificate, issueOwnerCertificate, PackageDescription } from '@app/signing';

export const NOT_BEFORE = '2026-01-01T00:00:00.000Z';
export const NOT_AFTER = '2028-01-01T00:00:00.000Z';

export interface TestPki {
  root: CertificateWithKey;
  otherRoot: CertificateWithKey;
  superOffice: CertificateWithKey;
  partner: CertificateWithKey;
}

/** Two roots and two owners under the first; about a second of key generation, so once per spec file. */
export function createTestPki(): TestPki {
  const root = createRootCertificate({
    commonName: 'Test Root A',
    notBefore: NOT_BEFORE,
    notAfter: '2036-01-01T00:00:00.000Z',
  });
  const otherRoot = createRootCertificate({
    commonName: 'Test Root B',
    notBefore: NOT_BEFORE,
    notAfter: '2036-01-01T00:00:00.000Z',
  });
  return { root, otherRoot, superOffice: ownerUnder(root, 'SUPEROFFICE'), partner: ownerUnder(root, 'PARTNER') };
}

export function ownerUnder(root: CertificateWithKey, ownerName: string): CertificateWithKey {
  return issueOwnerCertificate({
    ownerName,
    rootCertificatePem: root.certificatePem,
    rootPrivateKeyPem: root.privateKeyPem,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
  });
}

/**
 * A certificate built by hand with forge, for the shapes the library refuses to make (weak keys, self-signed
 * owners, impostor roots). `reuseKeyOf` saves a key generation where a fresh key proves nothing.
 */
export function handMadeCertificate(options: {
  commonName: string;
  bits?: number;
  issuer?: CertificateWithKey;
  reuseKeyOf?: CertificateWithKey;
}): CertificateWithKey {
  const keys = options.reuseKeyOf
    ? keyPairOf(options.reuseKeyOf)
    : forge.pki.rsa.generateKeyPair({ bits: options.bits ?? 2048, e: 0x10001 });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = '01';
  certificate.validity.notBefore = new Date(NOT_BEFORE);
  certificate.validity.notAfter = new Date(NOT_AFTER);
  // UTF8String like the library's certificates: forge matches issuer and subject names byte for byte.
  const name = [
    {
      name: 'commonName',
      value: options.commonName,
      valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
    },
  ];
  certificate.setSubject(name);
  if (options.issuer) {
    certificate.setIssuer(forge.pki.certificateFromPem(options.issuer.certificatePem).subject.attributes);
    certificate.sign(forge.pki.privateKeyFromPem(options.issuer.privateKeyPem), forge.md.sha256.create());
  } else {
    certificate.setIssuer(name);
    certificate.sign(keys.privateKey, forge.md.sha256.create());
  }
  return {
    certificatePem: forge.pki.certificateToPem(certificate),
    privateKeyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

function keyPairOf(holder: CertificateWithKey): forge.pki.rsa.KeyPair {
  const privateKey = forge.pki.privateKeyFromPem(holder.privateKeyPem);
  return { privateKey, publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e) };
}

export function sampleDescription(overrides: Partial<PackageDescription> = {}): PackageDescription {
  return {
    format: LICENSE_PACKAGE_FORMAT,
    packageId: '5d0c2a7e-3f51-4a8e-9a55-0d6f3d7f1c11',
    sequence: 3,
    issuedAt: '2026-03-01T12:00:00.000Z',
    tenantId: 'Cust12345',
    // Non-ASCII on purpose: signatures cover UTF-8 bytes, and a Latin-1 slip would only show here.
    owner: { name: 'SUPEROFFICE', description: 'SuperOffice AS — Oslo' },
    licensee: { companyName: 'Ålesund Fisk & Søn “Bjørn” 🐟', serialNumber: '1234567890', databaseType: 'MSSQL' },
    dates: {
      expiration: '2027-12-31T23:59:59.000Z',
      graceTo: '2028-01-31T23:59:59.000Z',
      maintenanceTo: '2027-12-31T23:59:59.000Z',
      adminWarningDate: '2027-12-01T00:00:00.000Z',
      nextCheckDate: null,
    },
    modules: [
      row({ name: 'user', description: 'Gebruiker', type: 3, number: 25, hidden: true, sortOrder: 1 }),
      row({
        name: 'web',
        description: 'Webklient',
        type: 3,
        number: 25,
        hidden: true,
        prerequisite: 'user',
        sortOrder: 2,
      }),
      row({ name: 'chat-cal', description: 'Chat', type: 3, number: 10, hidden: true, sortOrder: 3 }),
      row({
        name: 'sales-premium',
        description: 'Sales Premium',
        type: 3,
        number: 20,
        extraFlags: 1,
        extraInfo: 'set=user,web,chat-cal',
        sortOrder: 4,
      }),
      row({ name: 'saint', description: 'Salgsintelligens', type: 1, number: 1, sortOrder: 5 }),
    ],
    ...overrides,
  };
}

function row(
  fields: Partial<PackageDescription['modules'][number]> & { name: string },
): PackageDescription['modules'][number] {
  return {
    description: fields.name,
    tooltip: '',
    version: '11.0',
    type: 3,
    number: 1,
    unrestricted: false,
    hidden: false,
    extraFlags: 0,
    extraInfo: '',
    prerequisite: '',
    sortOrder: 0,
    ...fields,
  };
}
