import { createPrivateKey, KeyObject } from 'node:crypto';
import forge from 'node-forge';

/**
 * The signature primitive of DESIGN.md §5: RSASSA-PSS with SHA-256, MGF1 with SHA-256, salt length 32, base64,
 * on node-forge as the project requires. forge's pure-JavaScript RSA costs about 2 ms per verification (fine for
 * an activation) and tens of milliseconds per signature (only the issuer signs). Callers hand in Node KeyObjects;
 * each is converted to forge's form once. The specs check the result independently with Node's OpenSSL.
 */

export const MIN_RSA_KEY_BITS = 2048;
export const PSS_SALT_LENGTH = 32;

const privateKeys = new WeakMap<KeyObject, forge.pki.rsa.PrivateKey>();
const publicKeys = new WeakMap<KeyObject, forge.pki.rsa.PublicKey>();

function pss(): forge.pss.PSS {
  // node-forge types mgf1.create as answering `any`.
  const mgf: unknown = forge.mgf.mgf1.create(forge.md.sha256.create());
  return forge.pss.create({ md: forge.md.sha256.create(), mgf, saltLength: PSS_SALT_LENGTH });
}

function digestOf(text: string): forge.md.MessageDigest {
  return forge.md.sha256.create().update(text, 'utf8');
}

/** Signs the UTF-8 bytes of `text`. Throws on a key that is not RSA or shorter than 2048 bits. */
export function pssSign(text: string, privateKey: string | KeyObject): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  requireStrongRsaKey(key);
  let forgeKey = privateKeys.get(key);
  if (!forgeKey) {
    forgeKey = forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }).toString());
    privateKeys.set(key, forgeKey);
  }
  return forge.util.encode64(forgeKey.sign(digestOf(text), pss()));
}

/** True only when `signature` is canonical base64 of a valid signature over the UTF-8 bytes of `text`. */
export function pssVerify(text: string, signature: unknown, publicKey: KeyObject): boolean {
  if (typeof signature !== 'string' || signature.length === 0) return false;
  const bytes = Buffer.from(signature, 'base64');
  // Buffer.from skips characters that are not base64; re-encoding catches them, so a signature has one spelling.
  if (bytes.toString('base64') !== signature) return false;
  try {
    let forgeKey = publicKeys.get(publicKey);
    if (!forgeKey) {
      forgeKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
      publicKeys.set(publicKey, forgeKey);
    }
    return forgeKey.verify(digestOf(text).digest().getBytes(), bytes.toString('binary'), pss());
  } catch {
    return false;
  }
}

export function rsaKeyBits(key: KeyObject): number | null {
  return key.asymmetricKeyType === 'rsa' ? (key.asymmetricKeyDetails?.modulusLength ?? null) : null;
}

function requireStrongRsaKey(key: KeyObject): void {
  const bits = rsaKeyBits(key);
  if (bits === null) throw new Error(`the signing key is ${key.asymmetricKeyType ?? 'not an asymmetric'} key, not RSA`);
  if (bits < MIN_RSA_KEY_BITS)
    throw new Error(`the signing key has ${bits} bits; at least ${MIN_RSA_KEY_BITS} are required`);
}
