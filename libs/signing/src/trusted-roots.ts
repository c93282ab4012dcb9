import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import { distinguishedNameOf, fingerprintOf, readCertificatePem, rsaKeyProblem } from './certificate-reading';

export interface TrustedRoot {
  certificate: forge.pki.Certificate;
  /** Where the root came from (a file path, or its position in the list), for messages. */
  source: string;
  subject: string;
  fingerprint: string;
}

export interface ChainCheck {
  trusted: boolean;
  /** Why the certificate is not trusted; absent when it is. */
  problem?: string;
}

/**
 * The root certificates that may issue owner certificates, parsed once. Several roots may be trusted at the same
 * time so that a root can be rotated without refusing packages signed under the old one.
 */
export class TrustedRoots {
  private constructor(readonly roots: readonly TrustedRoot[]) {}

  /**
   * Parses one PEM certificate per entry. Roots are configuration, not input: a bad one throws, naming its source.
   */
  static fromPems(pems: readonly string[], sources: readonly string[] = []): TrustedRoots {
    return new TrustedRoots(pems.map((pem, index) => parseRoot(pem, sources[index] ?? `#${index + 1}`)));
  }

  /** Whether one of the roots issued `certificate`: the issuer name matches the root's subject and its key signed it. */
  chainOf(certificate: forge.pki.Certificate): ChainCheck {
    if (this.roots.length === 0) return { trusted: false, problem: 'no trusted root certificate is configured' };
    // forge compares the names byte for byte (a hash of their DER), as issued certificates copy their root's name.
    const named = this.roots.filter((root) => certificate.isIssuer(root.certificate));
    const issuer = distinguishedNameOf(certificate.issuer);
    if (named.length === 0)
      return { trusted: false, problem: `the certificate is issued by '${issuer}', which is not a trusted root` };
    if (named.some((root) => signedBy(root, certificate))) return { trusted: true };
    return {
      trusted: false,
      problem: `the certificate names the trusted root '${issuer}' as issuer, but the root's key did not sign it`,
    };
  }
}

/** Reads root certificate files (PEM, one certificate each). Throws with the path of the first bad file. */
export function loadTrustedRoots(paths: readonly string[]): TrustedRoots {
  if (paths.length === 0) throw new Error('no trusted root certificate file was given');
  const pems = paths.map((path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(
        `trusted root ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        { cause: error },
      );
    }
  });
  return TrustedRoots.fromPems(pems, paths);
}

function parseRoot(pem: string, source: string): TrustedRoot {
  let read;
  try {
    // A bundle would silently trust only its first certificate; one root per entry keeps the list honest.
    const blocks = typeof pem === 'string' ? forge.pem.decode(pem).length : 0;
    if (blocks > 1) throw new Error(`it holds ${blocks} PEM blocks; give one root certificate per file`);
    read = readCertificatePem(pem);
  } catch (error) {
    throw new Error(
      `trusted root ${source}: not a PEM X.509 certificate with an RSA key (${(error as Error).message})`,
      { cause: error },
    );
  }
  const keyProblem = rsaKeyProblem(read.certificate);
  if (keyProblem) throw new Error(`trusted root ${source}: ${keyProblem}`);
  return {
    certificate: read.certificate,
    source,
    subject: distinguishedNameOf(read.certificate.subject),
    fingerprint: fingerprintOf(read.der),
  };
}

function signedBy(root: TrustedRoot, certificate: forge.pki.Certificate): boolean {
  try {
    return root.certificate.verify(certificate);
  } catch {
    // forge throws for signature algorithms it does not know; such a certificate is simply not vouched for.
    return false;
  }
}
