import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LicensePackage, ModuleRow } from '@app/domain';
import { buildSignedPackage, createRootCertificate, issueOwnerCertificate, PackageDescription } from '@app/signing';

export type UnsignedRow = Omit<ModuleRow, 'signature'>;

/** A root, an owner certificate issued by it, and the root written to a file the service can be told to trust. */
export interface Issuer {
  rootFile: string;
  rootCertificatePem: string;
  ownerCertificatePem: string;
  ownerPrivateKeyPem: string;
  sign(description: PackageDescription): LicensePackage;
}

export function makeIssuer(owner = 'SUPEROFFICE'): Issuer {
  const now = Date.now();
  const root = createRootCertificate({
    commonName: 'Test Licensing Root',
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 5 * 365 * 86_400_000),
  });
  const ownerCertificate = issueOwnerCertificate({
    ownerName: owner,
    rootCertificatePem: root.certificatePem,
    rootPrivateKeyPem: root.privateKeyPem,
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 2 * 365 * 86_400_000),
  });
  const rootFile = join(mkdtempSync(join(tmpdir(), 'trusted-root-')), 'root.pem');
  writeFileSync(rootFile, root.certificatePem);
  return {
    rootFile,
    rootCertificatePem: root.certificatePem,
    ownerCertificatePem: ownerCertificate.certificatePem,
    ownerPrivateKeyPem: ownerCertificate.privateKeyPem,
    sign: (description) =>
      buildSignedPackage(description, ownerCertificate.certificatePem, ownerCertificate.privateKeyPem),
  };
}

export function unsignedRow(name: string, overrides: Partial<UnsignedRow> = {}): UnsignedRow {
  return {
    name,
    description: name,
    tooltip: '',
    version: '1',
    type: 3,
    number: 10,
    unrestricted: false,
    hidden: false,
    extraFlags: 0,
    extraInfo: '',
    prerequisite: '',
    sortOrder: 0,
    ...overrides,
  };
}

/** The sample SUPEROFFICE licenses: Sales Premium with its implied licenses, user, web, and some system licenses. */
export function sampleModules(): UnsignedRow[] {
  return [
    unsignedRow('user', { description: 'User', hidden: true, number: 50, sortOrder: 1 }),
    unsignedRow('web', { description: 'Web client', hidden: true, number: 50, prerequisite: 'user', sortOrder: 2 }),
    unsignedRow('chat-cal', { description: 'Chat user', hidden: true, number: 50, sortOrder: 3 }),
    unsignedRow('sales-premium', {
      description: 'Sales Premium',
      extraFlags: 1,
      extraInfo: 'set=user,web,chat-cal',
      number: 10,
      sortOrder: 10,
    }),
    unsignedRow('sales-essential', {
      description: 'Sales Essential',
      extraFlags: 1,
      extraInfo: 'set=user,web',
      number: 10,
      sortOrder: 11,
    }),
    unsignedRow('saint', { description: 'Sales intelligence', number: 5, sortOrder: 20 }),
    unsignedRow('chat', { description: 'Chat', type: 1, number: 1, sortOrder: 30 }),
    unsignedRow('ten-sales', { description: 'Sales tenant', type: 1, number: 1, hidden: true, sortOrder: 31 }),
  ];
}

export function packageDescription(tenantId: string, overrides: Partial<PackageDescription> = {}): PackageDescription {
  return {
    format: 'license-package/v1',
    packageId: randomUUID(),
    sequence: 1,
    issuedAt: new Date().toISOString(),
    tenantId,
    owner: { name: 'SUPEROFFICE', description: 'SuperOffice AS' },
    licensee: { companyName: 'Acme Corp', serialNumber: '4021234567', databaseType: 'Online' },
    dates: { expiration: null, graceTo: null, maintenanceTo: null, adminWarningDate: null, nextCheckDate: null },
    modules: sampleModules(),
    ...overrides,
  };
}
