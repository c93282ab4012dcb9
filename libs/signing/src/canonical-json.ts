import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON: the exact text that signatures cover. Any issuer that produces the same text
 * produces the same signature input, so this must never be hand-rolled.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  // canonicalize answers undefined for values JSON cannot express (undefined, functions, symbols); signing
  // "undefined" would silently sign nothing meaningful.
  if (text === undefined) throw new Error(`cannot express ${typeof value} as canonical JSON`);
  return text;
}
