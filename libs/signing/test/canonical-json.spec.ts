import { canonicalJson } from '@app/signing';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units at every depth and drops insignificant whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, é: 1, Z: 2 })).toBe(
      '{"Z":2,"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1,"é":1}',
    );
  });

  it('writes numbers the ECMAScript way', () => {
    expect(canonicalJson([1.0, 1e21, 0.000001, -0])).toBe('[1,1e+21,0.000001,0]');
  });

  it('leaves non-ASCII text unescaped, so signatures cover its UTF-8 bytes', () => {
    expect(canonicalJson({ companyName: 'Ålesund “Bjørn” 🐟' })).toBe('{"companyName":"Ålesund “Bjørn” 🐟"}');
  });

  it('refuses what JSON cannot express instead of signing nothing', () => {
    expect(() => canonicalJson(undefined)).toThrow('cannot express undefined as canonical JSON');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
  });
});
