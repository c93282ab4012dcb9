import {
  dueLicenseDateNotices,
  meteringThresholdNotice,
  OwnerLicenseDates,
  packageActivatedNotice,
  packageRejectedNotice,
} from '../src/system-events/system-notices';
import { aPackage, TENANT } from './ledger.fixtures';

describe('the backend notices', () => {
  it('package activated: completed, naming the package, owner and licensee', () =>
    expect(
      packageActivatedNotice({
        tenantId: TENANT,
        package: aPackage({ packageId: 'pkg-7', sequence: 3 }),
        certificateFingerprint: null,
        activatedAt: 'x',
      }),
    ).toEqual({
      kind: 'package-activated',
      eventKey: 'LicensePackageActivated',
      status: 'completed',
      message: 'License package pkg-7 (sequence 3) of SUPEROFFICE activated for Acme (serial number 1234567890)',
    }));

  it('package rejected: failed, with every reason, bounded in length', () => {
    const data = {
      tenantId: TENANT,
      packageId: 'pkg-8',
      owner: 'SUPEROFFICE',
      sequence: 4,
      reasons: [
        {
          code: 'package-signature-invalid' as const,
          detail: 'the package signature does not verify with the owner key',
        },
        { code: 'package-expired' as const, detail: 'the package expired' },
      ],
      rejectedAt: 'x',
    };
    expect(packageRejectedNotice(data)).toEqual({
      kind: 'package-rejected',
      eventKey: 'LicensePackageRejected',
      status: 'failed',
      message:
        'License package pkg-8 (sequence 4) of SUPEROFFICE rejected: the package signature does not verify with the owner key; the package expired',
    });
    const many = { ...data, reasons: Array.from({ length: 100 }, () => data.reasons[0]) };
    expect(packageRejectedNotice(many).message).toHaveLength(2000);
  });

  it('metering threshold exceeded: active, naming service, month, total, threshold and users', () =>
    expect(
      meteringThresholdNotice({
        tenantId: TENANT,
        month: '2026-05',
        service: 'mailing-emails',
        total: 12500,
        threshold: 10000,
        users: 40,
        at: 'x',
      }),
    ).toEqual({
      kind: 'metering-threshold-exceeded',
      eventKey: 'MeteringThresholdExceeded',
      status: 'active',
      message:
        'mailing-emails: 12500 in 2026-05 is above the threshold of 10000 for 40 users; the excess is billed on the next invoice',
    }));

  describe('the dated notices of an owner', () => {
    const dates: OwnerLicenseDates = {
      tenant: TENANT,
      owner: 'SUPEROFFICE',
      packageId: 'pkg-1',
      expiration: '2026-12-31T00:00:00.000Z',
      graceTo: '2027-01-31T00:00:00.000Z',
      adminWarningDate: '2026-12-01T00:00:00.000Z',
    };

    it('none before the admin-warning date', () =>
      expect(dueLicenseDateNotices(dates, '2026-11-30T23:59:59.999Z')).toEqual([]));

    it('the admin warning from the admin-warning date on', () => {
      for (const now of ['2026-12-01T00:00:00.000Z', '2027-01-31T00:00:00.000Z']) {
        expect(dueLicenseDateNotices(dates, now)).toEqual([
          {
            kind: 'admin-warning-reached',
            eventKey: 'LicenseAdminWarning',
            status: 'active',
            date: '2026-12-01T00:00:00.000Z',
            message:
              'SUPEROFFICE: the admin-warning date 2026-12-01T00:00:00.000Z is reached; the licenses expire 2026-12-31T00:00:00.000Z and stop at 2027-01-31T00:00:00.000Z',
          },
        ]);
      }
    });

    it('the grace notice too once the grace date has passed', () =>
      expect(dueLicenseDateNotices(dates, '2027-01-31T00:00:00.001Z')).toMatchObject([
        { kind: 'admin-warning-reached' },
        {
          kind: 'grace-date-passed',
          eventKey: 'LicenseGraceExpired',
          status: 'active',
          date: '2027-01-31T00:00:00.000Z',
          message:
            'SUPEROFFICE: the grace date 2027-01-31T00:00:00.000Z has passed; the licenses are read-only until a new package is activated',
        },
      ]));

    it('nothing for dates a package leaves out', () =>
      expect(
        dueLicenseDateNotices({ ...dates, adminWarningDate: null, graceTo: null }, '2030-01-01T00:00:00.000Z'),
      ).toEqual([]));
  });
});
