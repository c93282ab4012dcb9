import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { LicensePackage } from '@app/domain/ledger/license-package';
import { verifyPackage } from '@app/signing';
import { descriptionJson, runCli, temporaryDirectory } from './cli-test-support';

describe('the issuer CLI, in-process', () => {
  const dir = temporaryDirectory();
  const file = dir.path;

  beforeAll(async () => {
    // Created at the fixed "now" of runCli (2026-03-01): the roots and owners are valid then, for 10 years and 825 days.
    for (const [name, cn] of [
      ['root', 'Test Root One'],
      ['next-root', 'Test Root Two'],
    ]) {
      expect(
        (await runCli(['create-root', '--cn', cn, '--cert', file(`${name}.pem`), '--key', file(`${name}.key.pem`)]))
          .code,
      ).toBe(0);
    }
    expect((await issue('SUPEROFFICE', 'root', 'owner')).code).toBe(0);
    expect((await issue('SUPEROFFICE', 'next-root', 'next-owner')).code).toBe(0);
    writeFileSync(file('desc.json'), descriptionJson());
  });
  afterAll(() => dir.remove());

  const issue = (owner: string, root: string, out: string, extra: string[] = []) =>
    runCli([
      'issue-owner',
      '--owner',
      owner,
      '--root-cert',
      file(`${root}.pem`),
      '--root-key',
      file(`${root}.key.pem`),
      '--cert',
      file(`${out}.pem`),
      '--key',
      file(`${out}.key.pem`),
      ...extra,
    ]);
  const sign = (owner: string, out: string, description = 'desc.json') =>
    runCli([
      'sign-package',
      '--description',
      file(description),
      '--owner-cert',
      file(`${owner}.pem`),
      '--owner-key',
      file(`${owner}.key.pem`),
      '--out',
      file(out),
    ]);
  const check = (pkg: string, roots: string[], extra: string[] = []) =>
    runCli([
      'check-package',
      '--package',
      file(pkg),
      ...roots.flatMap((root) => ['--trusted-root', file(`${root}.pem`)]),
      ...extra,
    ]);
  const readPackage = (name: string) => JSON.parse(readFileSync(file(name), 'utf8')) as LicensePackage;

  it('writes private keys readable by their owner only', () => {
    expect(statSync(file('root.key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(file('owner.key.pem')).mode & 0o777).toBe(0o600);
  });

  it('signs a description into a package that verifies against the root', async () => {
    const signed = await sign('owner', 'package.json');
    expect(signed).toMatchObject({ code: 0, err: '' });
    const pkg = readPackage('package.json');
    expect(pkg).toMatchObject({ format: 'license-package/v1', issuedAt: '2026-03-01T12:00:00.000Z', sequence: 3 });
    expect(pkg.packageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(pkg.owner.certificate).toBe(readFileSync(file('owner.pem'), 'utf8'));
    const verification = verifyPackage(pkg, [readFileSync(file('root.pem'), 'utf8')]);
    expect(verification).toMatchObject({
      packageSignatureValid: true,
      invalidRowSignatures: [],
      certificate: { chainsToTrustedRoot: true, subjectCommonName: 'SUPEROFFICE' },
    });
  });

  it('checks a good package with exit code 0 and a report', async () => {
    await sign('owner', 'package.json');
    const result = await check('package.json', ['root']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('result: the package holds');
    expect(result.out).not.toContain('FAIL');
  });

  it('checks with several trusted roots, as during a rotation', async () => {
    await sign('next-owner', 'next-package.json');
    expect((await check('next-package.json', ['root'])).code).toBe(2);
    expect((await check('next-package.json', ['root', 'next-root'])).code).toBe(0);
    expect((await check('package.json', ['root', 'next-root'])).code).toBe(0);
  });

  it('fails the check of a package whose number was raised, naming the row', async () => {
    const pkg = readPackage('package.json');
    pkg.modules[0].number += 100;
    writeFileSync(file('raised.json'), JSON.stringify(pkg));
    const result = await check('raised.json', ['root']);
    expect(result.code).toBe(2);
    expect(result.out).toContain('FAIL  package signature does not verify');
    expect(result.out).toContain('FAIL  row signatures do not verify: user');
  });

  it('fails the check at a time outside the certificate and package validity', async () => {
    const result = await check('package.json', ['root'], ['--at', '2029-01-01T00:00:00Z']);
    expect(result.code).toBe(2);
    expect(result.out).toMatch(/FAIL {2}certificate expired at 2029-01-01T00:00:00.000Z/);
    expect(result.out).toContain('FAIL  package expired at 2027-12-31T23:59:59.000Z');
    expect(result.out).toContain('result: 2 problems');
  });

  it('fails the check of a package whose owner is not the certificate CN', async () => {
    const pkg = readPackage('package.json');
    pkg.owner.name = 'PARTNER';
    writeFileSync(file('renamed.json'), JSON.stringify(pkg));
    const result = await check('renamed.json', ['root']);
    expect(result.code).toBe(2);
    expect(result.out).toContain('FAIL  certificate CN SUPEROFFICE is not the package owner PARTNER');
  });

  it('fails the check of JSON that is not a package', async () => {
    writeFileSync(file('array.json'), '[1, 2]');
    expect((await check('array.json', ['root'])).code).toBe(2);
  });

  it.each<[string, () => Promise<{ code: number; err: string }>, RegExp]>([
    ['a lower-case owner name', () => issue('superoffice', 'root', 'lower'), /--owner <NAME>.*upper-case A-Z and 0-9/],
    [
      'an owner certificate that would outlive the root',
      () => issue('LONG', 'root', 'long', ['--days', '4000']),
      /outlive the root/,
    ],
    ['an owner certificate as root', () => issue('PARTNER', 'owner', 'partner'), /not a certificate authority/],
    [
      'a missing root file',
      () => issue('PARTNER', 'missing', 'partner'),
      /--root-cert .*missing\.pem: cannot read the file \(ENOENT\)/,
    ],
    [
      'a root that would overwrite a file',
      () => runCli(['create-root', '--cn', 'x', '--cert', file('root.pem'), '--key', file('other.key.pem')]),
      /root\.pem already exists; pass --force/,
    ],
    [
      'a missing --cn',
      () => runCli(['create-root', '--cert', file('a.pem'), '--key', file('a.key.pem')]),
      /required option '--cn <name>'/,
    ],
    [
      'a bad --days',
      () => runCli(['create-root', '--cn', 'x', '--cert', file('a.pem'), '--key', file('a.key.pem'), '--days', '0']),
      /--days <n>.*positive whole number/,
    ],
    [
      'a description of another owner',
      () => sign('owner', 'x.json', 'partner-desc.json'),
      /is for 'SUPEROFFICE', but the package owner is 'PARTNER'/,
    ],
    [
      'a key of another certificate',
      () =>
        runCli([
          'sign-package',
          '--description',
          file('desc.json'),
          '--owner-cert',
          file('owner.pem'),
          '--owner-key',
          file('next-owner.key.pem'),
          '--out',
          file('x.json'),
        ]),
      /does not belong to the certificate/,
    ],
    [
      'a description that is not JSON',
      () => sign('owner', 'x.json', 'broken.json'),
      /--description .*broken\.json: not valid JSON/,
    ],
    ['no trusted root', () => check('package.json', []), /at least one --trusted-root/],
    [
      'a trusted root that is a key',
      () => runCli(['check-package', '--package', file('package.json'), '--trusted-root', file('root.key.pem')]),
      /trusted root .*root\.key\.pem: not a PEM X\.509 certificate/,
    ],
    ['a bad --at', () => check('package.json', ['root'], ['--at', 'tomorrow']), /--at <ISO time>.*ISO-8601/],
    ['an unknown command', () => runCli(['sign']), /unknown command 'sign'/],
  ])('refuses %s with exit code 1 and one line', async (_case, run, message) => {
    writeFileSync(
      file('partner-desc.json'),
      descriptionJson((d) => ((d.owner as Record<string, unknown>).name = 'PARTNER')),
    );
    writeFileSync(file('broken.json'), '{ "sequence": ');
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(result.err.trim().split('\n')).toHaveLength(1);
  });
});
