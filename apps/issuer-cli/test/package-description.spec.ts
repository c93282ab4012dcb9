import { LICENSE_PACKAGE_FORMAT } from '@app/domain/ledger/license-package';
import { DescriptionError, parsePackageDescription } from '../src/package-description';
import { descriptionJson } from './cli-test-support';

describe('reading a package description', () => {
  const defaults = { now: new Date('2026-03-01T12:00:00.000Z'), newPackageId: () => 'new-id' };
  const parse = (change?: (description: Record<string, unknown>) => void) =>
    parsePackageDescription(JSON.parse(descriptionJson(change)), defaults);
  const problemsOf = (change: (description: Record<string, unknown>) => void): string[] => {
    try {
      parse(change);
    } catch (error) {
      if (error instanceof DescriptionError) return error.problems;
      throw error;
    }
    throw new Error('the description was accepted');
  };
  const rows = (description: Record<string, unknown>) => description.modules as Array<Record<string, unknown>>;

  it('fills the format, a new packageId and issuedAt = now, and nothing else', () => {
    const description = parse();
    expect(description).toMatchObject({
      format: LICENSE_PACKAGE_FORMAT,
      packageId: 'new-id',
      issuedAt: '2026-03-01T12:00:00.000Z',
      sequence: 3,
    });
    expect(description.modules).toHaveLength(5);
  });

  it('keeps a packageId and issuedAt that the issuer gave', () => {
    const description = parse((d) =>
      Object.assign(d, { packageId: 'p-1', issuedAt: '2026-02-01T00:00:00Z', format: LICENSE_PACKAGE_FORMAT }),
    );
    expect(description).toMatchObject({ packageId: 'p-1', issuedAt: '2026-02-01T00:00:00Z' });
  });

  it.each<[string, (d: Record<string, unknown>) => void, string]>([
    ['a number of 0', (d) => void (rows(d)[1].number = 0), 'modules[1].number: must be a positive whole number, not 0'],
    [
      'a fractional number',
      (d) => void (rows(d)[0].number = 2.5),
      'modules[0].number: must be a positive whole number, not 2.5',
    ],
    [
      'an unknown type',
      (d) => void (rows(d)[0].type = 4),
      'modules[0].type: must be 1 (system), 2 (site) or 3 (user), not 4',
    ],
    ['a missing tooltip', (d) => void delete rows(d)[2].tooltip, 'modules[2].tooltip: required, must be a string'],
    [
      'a row signature',
      (d) => void (rows(d)[0].signature = 'x'),
      'modules[0].signature: leave it out; sign-package signs every row',
    ],
    ['a duplicate module', (d) => void (rows(d)[1].name = 'user'), "modules[1].name: 'user' appears more than once"],
    ['a misspelt row field', (d) => void (rows(d)[0].numbr = 3), 'modules[0].numbr: unknown field'],
    [
      'a lower-case owner',
      (d) => void ((d.owner as Record<string, unknown>).name = 'SuperOffice'),
      "owner.name: owner names are upper-case A-Z and 0-9 only, 1 to 32 characters, like SUPEROFFICE, not 'SuperOffice'",
    ],
    // Issue 13, item 5: the CLI signed a 40-character owner that the API refuses; both now use the domain's rule.
    [
      'an owner the API refuses (40 characters)',
      (d) => void ((d.owner as Record<string, unknown>).name = 'A'.repeat(40)),
      `owner.name: owner names are upper-case A-Z and 0-9 only, 1 to 32 characters, like SUPEROFFICE, not '${'A'.repeat(40)}'`,
    ],
    [
      'a tenant id the API refuses',
      (d) => void (d.tenantId = 'Cust 1'),
      "tenantId: must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$, not 'Cust 1'",
    ],
    [
      'an owner certificate',
      (d) => void ((d.owner as Record<string, unknown>).certificate = 'x'),
      'owner.certificate: leave it out; sign-package takes it from --owner-cert',
    ],
    ['a sequence of 0', (d) => void (d.sequence = 0), 'sequence: must be a positive whole number, not 0'],
    [
      'an empty serial number',
      (d) => void ((d.licensee as Record<string, unknown>).serialNumber = ''),
      'licensee.serialNumber: must be a non-empty string',
    ],
    [
      'a date that is not a time',
      (d) => void ((d.dates as Record<string, unknown>).graceTo = 'next year'),
      'dates.graceTo: must be an ISO-8601 time or null (none), not "next year"',
    ],
    [
      'a missing date',
      (d) => void delete (d.dates as Record<string, unknown>).nextCheckDate,
      'dates.nextCheckDate: required, must be an ISO-8601 time or null (none)',
    ],
    [
      'another format',
      (d) => void (d.format = 'license-package/v2'),
      'format: must be license-package/v1 (or left out)',
    ],
    ['a package signature', (d) => void (d.signature = 'x'), 'signature: leave it out; sign-package adds it'],
  ])('names the field of %s', (_case, change, problem) => {
    expect(problemsOf(change)).toEqual([problem]);
  });

  it('names a missing object once, not each of its fields', () => {
    expect(problemsOf((d) => void delete d.licensee)).toEqual(['licensee: required, must be an object']);
  });

  it('names every wrong field in one pass', () => {
    expect(problemsOf((d) => Object.assign(d, { tenantId: '', sequence: -1 }))).toEqual([
      'sequence: must be a positive whole number, not -1',
      'tenantId: must be a non-empty string',
    ]);
  });

  it('refuses what is not an object', () => {
    expect(() => parsePackageDescription([], defaults)).toThrow('the description must be a JSON object');
  });
});
