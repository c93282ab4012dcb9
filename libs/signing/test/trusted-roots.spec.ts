import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTrustedRoots, TrustedRoots } from '@app/signing';

// The development certificates checked in under config/ (made with the issuer CLI): no key generation needed here.
const config = (name: string) => join(__dirname, '..', '..', '..', 'config', name);

describe('trusted roots', () => {
  it('loads root files and answers whether they issued a certificate', () => {
    const roots = loadTrustedRoots([config('dev-root.pem')]);
    expect(roots.roots.map((root) => root.subject)).toEqual([
      'CN=Licensing Development Root (DO NOT TRUST IN PRODUCTION)',
    ]);
    expect(roots.roots[0].fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds that the development root issued the development SUPEROFFICE certificate', () => {
    const roots = loadTrustedRoots([config('dev-root.pem')]);
    const owner = TrustedRoots.fromPems([readFileSync(config('dev-owner-superoffice.pem'), 'utf8')]).roots[0];
    expect(owner.subject).toBe('CN=SUPEROFFICE');
    expect(roots.chainOf(owner.certificate)).toEqual({ trusted: true });
  });

  it('names the file that cannot be read', () => {
    expect(() => loadTrustedRoots([config('dev-root.pem'), config('no-such-root.pem')])).toThrow(
      /trusted root .*no-such-root\.pem: cannot read the file \(ENOENT\)/,
    );
  });

  it('names the file that is not a certificate', () => {
    expect(() => loadTrustedRoots([config('dev-root.key.pem')])).toThrow(
      /trusted root .*dev-root\.key\.pem: not a PEM X\.509 certificate/,
    );
  });

  it('refuses a bundle, which would otherwise trust only its first certificate', () => {
    const bundle =
      readFileSync(config('dev-root.pem'), 'utf8') + readFileSync(config('dev-owner-superoffice.pem'), 'utf8');
    expect(() => TrustedRoots.fromPems([bundle])).toThrow(/trusted root #1: .*2 PEM blocks/);
  });

  it('trusts nothing when no root is configured', () => {
    const owner = TrustedRoots.fromPems([readFileSync(config('dev-owner-superoffice.pem'), 'utf8')]).roots[0];
    expect(TrustedRoots.fromPems([]).chainOf(owner.certificate)).toEqual({
      trusted: false,
      problem: 'no trusted root certificate is configured',
    });
  });
});
