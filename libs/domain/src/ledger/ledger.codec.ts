import { z } from 'zod';
import { eventCodec, StoredEvent } from '../shared/event-codec';
import { instant } from '../shared/event-schemas';
import type { LedgerEvent } from './ledger.events';
import { LICENSE_PACKAGE_FORMAT } from './license-package';

/**
 * The ledger's events as stored (`ledger-{tenant}`), version 1 of each type. The package inside an activation is
 * read loosely: fields the schema does not name are kept, because the auditor verifies its signatures again and a
 * signature covers every field.
 */

/** Optional text (see `OptionalText`): `null` and `""` both mean none, kept exactly as signed. */
const optionalText = z.string().nullable();

const moduleRow = z.looseObject({
  name: z.string(),
  description: optionalText,
  tooltip: optionalText,
  version: optionalText,
  type: z.literal([1, 2, 3]),
  number: z.number(),
  unrestricted: z.boolean(),
  hidden: z.boolean(),
  extraFlags: z.literal([0, 1, 2]),
  extraInfo: optionalText,
  prerequisite: optionalText,
  sortOrder: z.number(),
  signature: z.string(),
});

const licensePackage = z.looseObject({
  format: z.literal(LICENSE_PACKAGE_FORMAT),
  packageId: z.string(),
  sequence: z.number(),
  issuedAt: z.string(),
  tenantId: z.string(),
  owner: z.looseObject({ name: z.string(), description: optionalText, certificate: z.string() }),
  licensee: z.looseObject({ companyName: z.string(), serialNumber: z.string(), databaseType: optionalText }),
  // As the issuer wrote them (any ISO-8601 form the API accepted), not as a decider stamped them.
  dates: z.looseObject({
    expiration: z.string().nullable(),
    graceTo: z.string().nullable(),
    maintenanceTo: z.string().nullable(),
    adminWarningDate: z.string().nullable(),
    nextCheckDate: z.string().nullable(),
  }),
  modules: z.array(moduleRow),
  signature: z.string(),
});

const rejectionReason = z.object({
  code: z.enum([
    'package-signature-invalid',
    'row-signature-invalid',
    'certificate-unreadable',
    'owner-not-trusted',
    'certificate-owner-mismatch',
    'certificate-not-yet-valid',
    'certificate-expired',
    'tenant-mismatch',
    'serial-number-mismatch',
    'sequence-not-newer',
    'package-expired',
    'package-inconsistent',
    'number-below-in-use',
  ]),
  detail: z.string(),
  modules: z.array(z.string()).optional(),
  licenses: z
    .array(
      z.object({
        module: z.string(),
        inUse: z.number(),
        newNumber: z.number(),
        mustRemove: z.number(),
        holders: z.array(z.string()),
      }),
    )
    .optional(),
});

const source = z.enum(['explicit', 'plan']);
const holding = {
  owner: z.string(),
  module: z.string(),
  userId: z.string(),
  source,
  plan: z.string().optional(),
  isPlan: z.boolean().optional(),
  at: instant,
};

export const ledgerEventCodec = eventCodec<LedgerEvent>({
  LicensePackageActivated: {
    schema: z.object({
      tenantId: z.string(),
      package: licensePackage,
      certificateFingerprint: z.string().nullable(),
      activatedAt: instant,
    }),
  },
  LicensePackageRejected: {
    schema: z.object({
      tenantId: z.string(),
      packageId: z.string(),
      owner: z.string(),
      sequence: z.number(),
      reasons: z.array(rejectionReason),
      rejectedAt: instant,
    }),
  },
  LicenseAssigned: { schema: z.object(holding) },
  LicenseReleased: {
    schema: z.object({
      ...holding,
      reason: z.enum(['unassigned', 'plan-released', 'plan-switched', 'user-deactivated']),
    }),
  },
  UserDeactivated: { schema: z.object({ userId: z.string(), at: instant }) },
  UserReactivated: { schema: z.object({ userId: z.string(), at: instant }) },
});

/** A stored event of a ledger stream as the domain event it records; throws naming the stream and revision. */
export const decodeLedgerEvent = (stored: StoredEvent): LedgerEvent => ledgerEventCodec.decode(stored);
