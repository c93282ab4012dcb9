import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { readCertificatePem, writableAttributes } from './certificate-reading';
import { DateInput, toDate } from './dates';
import { MIN_RSA_KEY_BITS } from './rsa-pss';

/** A certificate and its private key, both PEM. */
export interface CertificateWithKey {
  certificatePem: string;
  privateKeyPem: string;
}

export interface RootCertificateRequest {
  commonName: string;
  notBefore: DateInput;
  notAfter: DateInput;
  keyBits?: number;
}

export interface OwnerCertificateRequest {
  ownerName: string;
  rootCertificatePem: string;
  rootPrivateKeyPem: string;
  notBefore: DateInput;
  notAfter: DateInput;
  keyBits?: number;
}

/** forge delegates to Node's native generateKeyPairSync when it can, so this takes milliseconds, not seconds. */
export function generateKeyPair(bits = MIN_RSA_KEY_BITS): forge.pki.rsa.KeyPair {
  if (!Number.isInteger(bits) || bits < MIN_RSA_KEY_BITS) {
    throw new Error(`an RSA key needs at least ${MIN_RSA_KEY_BITS} bits, not ${bits}`);
  }
  return forge.pki.rsa.generateKeyPair({ bits, e: 0x10001 });
}

/** A self-signed certificate authority: the trust anchor that issues owner certificates. */
export function createRootCertificate(request: RootCertificateRequest): CertificateWithKey {
  const keys = generateKeyPair(request.keyBits);
  const subject = nameOf(request.commonName, 'the root common name');
  const certificate = newCertificate(keys.publicKey, request.notBefore, request.notAfter);
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(keys.privateKey, forge.md.sha256.create());
  return pemPair(certificate, keys.privateKey);
}

/** An owner's signing certificate: subject CN is the owner name, issued and signed by the root. */
export function issueOwnerCertificate(request: OwnerCertificateRequest): CertificateWithKey {
  const root = readRoot(request.rootCertificatePem);
  const rootKey = readPrivateKey(request.rootPrivateKeyPem);
  if (!sameRsaKey(root.publicKey as forge.pki.rsa.PublicKey, rootKey)) {
    throw new Error('the root private key does not belong to the root certificate');
  }
  const keys = generateKeyPair(request.keyBits);
  const certificate = newCertificate(keys.publicKey, request.notBefore, request.notAfter);
  certificate.setSubject(nameOf(request.ownerName, 'the owner name'));
  certificate.setIssuer(writableAttributes(root.subject));
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: root.generateSubjectKeyIdentifier().getBytes() },
  ]);
  certificate.sign(rootKey, forge.md.sha256.create());
  return pemPair(certificate, keys.privateKey);
}

// forge writes PEM with CRLF line ends; LF is what files, OpenSSL and JSON readers expect.
function pemPair(certificate: forge.pki.Certificate, privateKey: forge.pki.rsa.PrivateKey): CertificateWithKey {
  const lf = (pem: string) => pem.replace(/\r\n/g, '\n');
  return {
    certificatePem: lf(forge.pki.certificateToPem(certificate)),
    privateKeyPem: lf(forge.pki.privateKeyToPem(privateKey)),
  };
}

function readRoot(pem: string): forge.pki.Certificate {
  try {
    return readCertificatePem(pem).certificate;
  } catch (error) {
    throw new Error(`cannot read the root certificate: ${(error as Error).message}`, { cause: error });
  }
}

function readPrivateKey(pem: string): forge.pki.rsa.PrivateKey {
  try {
    return forge.pki.privateKeyFromPem(pem);
  } catch (error) {
    throw new Error(`cannot read the root private key: ${(error as Error).message}`, { cause: error });
  }
}

function newCertificate(
  publicKey: forge.pki.PublicKey,
  notBefore: DateInput,
  notAfter: DateInput,
): forge.pki.Certificate {
  const from = toDate(notBefore, 'notBefore');
  const until = toDate(notAfter, 'notAfter');
  if (until.getTime() <= from.getTime()) throw new Error('notAfter must be later than notBefore');
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  certificate.serialNumber = randomSerialNumber();
  certificate.validity.notBefore = from;
  certificate.validity.notAfter = until;
  return certificate;
}

// 16 random bytes with the top bits 01: positive (RFC 5280 §4.1.2.2) and no leading zero byte, so DER-minimal.
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x3f) | 0x40;
  return bytes.toString('hex');
}

// UTF8String, because a root's name may hold characters that PrintableString (forge's default) cannot.
function nameOf(commonName: string, what: string): forge.pki.CertificateField[] {
  if (typeof commonName !== 'string' || commonName.trim() === '') throw new Error(`${what} must not be empty`);
  // Sound: forge reads valueTagClass as the value's ASN.1 type (its typings name the wrong enum); UTF8 is such a type.
  return [
    { name: 'commonName', value: commonName, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class },
  ];
}

function sameRsaKey(publicKey: forge.pki.rsa.PublicKey, privateKey: forge.pki.rsa.PrivateKey): boolean {
  return publicKey.n.equals(privateKey.n) && publicKey.e.equals(privateKey.e);
}
