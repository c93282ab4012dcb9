import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { MIN_RSA_KEY_BITS } from './rsa-pss';

/** A parsed X.509 certificate, with the DER bytes it came from (a forge binary string) for fingerprinting. */
export interface ReadCertificate {
  certificate: forge.pki.Certificate;
  der: string;
}

const UTF8_STRING = forge.asn1.Type.UTF8 as number;
const MAX_PEM_LENGTH = 64 * 1024;

/** Parses the first PEM block as an X.509 certificate. Throws a message fit for humans on anything else. */
export function readCertificatePem(pem: unknown): ReadCertificate {
  const der = decodeCertificatePem(pem);
  return { certificate: parseCertificateDer(der), der };
}

/** The DER bytes (a forge binary string) of the first PEM block, which must be a CERTIFICATE. */
export function decodeCertificatePem(pem: unknown): string {
  if (typeof pem !== 'string' || pem.trim() === '') throw new Error('no certificate PEM was given');
  // forge's PEM scanner slows down quadratically on some malformed input; real certificates are a few KiB.
  if (pem.length > MAX_PEM_LENGTH) throw new Error(`the certificate PEM is longer than ${MAX_PEM_LENGTH / 1024} KiB`);
  if (!pem.includes('-----BEGIN ')) throw new Error('no PEM block found');
  const blocks = forge.pem.decode(pem);
  if (blocks.length === 0) throw new Error('no PEM block found');
  if (blocks[0].type !== 'CERTIFICATE') throw new Error(`the PEM block is '${blocks[0].type}', not 'CERTIFICATE'`);
  return blocks[0].body;
}

export function parseCertificateDer(der: string): forge.pki.Certificate {
  return forge.pki.certificateFromAsn1(forge.asn1.fromDer(der));
}

/** Why the certificate's key cannot carry package signatures, or null when it can (RSA, at least 2048 bits). */
export function rsaKeyProblem(certificate: forge.pki.Certificate): string | null {
  const key = certificate.publicKey as Partial<forge.pki.rsa.PublicKey>;
  if (!key.n || !key.e) return 'the certificate key is not an RSA key';
  const bits = key.n.bitLength();
  return bits < MIN_RSA_KEY_BITS
    ? `the certificate key has ${bits} bits; at least ${MIN_RSA_KEY_BITS} are required`
    : null;
}

export function fingerprintOf(der: string): string {
  return createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex');
}

export function publicKeyOf(certificate: forge.pki.Certificate): KeyObject {
  return createPublicKey(forge.pki.publicKeyToPem(certificate.publicKey));
}

export function commonNameOf(name: forge.pki.Certificate['subject']): string | null {
  const field = name.attributes.find((attribute) => attribute.name === 'commonName');
  return field ? attributeText(field) : null;
}

/** `CN=…, O=…` for messages. */
export function distinguishedNameOf(name: forge.pki.Certificate['subject']): string {
  if (name.attributes.length === 0) return '(empty name)';
  return name.attributes
    .map((field) => `${field.shortName ?? field.name ?? field.type}=${attributeText(field)}`)
    .join(', ');
}

/**
 * The attributes of a parsed name, ready to be written into another certificate. forge keeps parsed UTF8String
 * values as raw UTF-8 bytes but encodes them again when writing, which would garble any non-ASCII name.
 */
export function writableAttributes(name: forge.pki.Certificate['subject']): forge.pki.CertificateField[] {
  return name.attributes.map((field) => ({ ...field, value: attributeText(field) }));
}

function attributeText(field: forge.pki.CertificateField): string {
  const value = typeof field.value === 'string' ? field.value : String(field.value);
  // forge types valueTagClass as a tag class, but it holds the value's ASN.1 type: compare it as the number it is.
  if (Number(field.valueTagClass) !== UTF8_STRING) return value;
  try {
    return forge.util.decodeUtf8(value);
  } catch {
    return value;
  }
}
