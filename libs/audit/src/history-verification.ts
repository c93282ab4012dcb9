// The chain's rule itself, not the application's barrel: the application's audit queries use this library in turn.
import { checkLink, storedHash } from '@app/application/event-chain';
import type { RecordedEvent } from '@app/event-store';
import type { TrustedRoots } from '@app/signing';
import { checkActivatedPackage } from './package-audit';

export type AuditProblemKind =
  /** The event's content no longer gives the hash it carries: it was changed after it was recorded. */
  | 'hash-mismatch'
  | 'missing-hash'
  /** The event does not follow the previous event of its stream: that one was changed (hash and all) or replaced. */
  | 'broken-link'
  /** Revisions before this event are missing: events were removed. */
  | 'revision-gap'
  /** The event comes after a later revision of its stream in the global order: events were moved. */
  | 'out-of-order'
  | 'package-signature-invalid'
  /** The package's signatures verify, but its owner certificate chains to no configured root: trust is missing. */
  | 'no-trusted-root';

/** One broken link or bad package, located by stream, revision and global position. */
export interface AuditProblem {
  kind: AuditProblemKind;
  stream: string;
  revision: number;
  position: string;
  eventId: string;
  detail: string;
}

export interface PackageAudit {
  packageId: string | null;
  owner: string | null;
  sequence: number | null;
  stream: string;
  revision: number;
  position: string;
  /** Package and row signatures verify with a certificate that chains to a trusted root (see package-audit.ts). */
  signatureValid: boolean;
  /** The stream's chain holds from its first event up to and including this package's activation. */
  chainValid: boolean;
}

export interface StreamAudit {
  stream: string;
  events: number;
  lastRevision: number;
  /**
   * The hash of the stream's last event. A chain cannot show that events were cut off its end: an auditor who
   * keeps this value can, by comparing it with a later verification.
   */
  headHash: string | null;
}

export interface VerificationReport {
  ok: boolean;
  checkedEvents: number;
  packages: PackageAudit[];
  problems: AuditProblem[];
  /** All problems found; `problems` lists the first MAX_PROBLEMS of them. */
  problemCount: number;
  streams: StreamAudit[];
}

const MAX_PROBLEMS = 1000;

interface StreamState {
  events: number;
  lastRevision: number;
  lastHash: string | null;
  /** The lowest revision at which the chain fails, if it does. */
  firstBroken: number | null;
}

/**
 * Checks a history event by event, in global order, keeping only a little state per stream: each event's hash
 * against its content, its link to the previous event of its stream, the continuity of revisions, and the
 * signatures of every activated package.
 */
export class HistoryVerifier {
  private readonly streams = new Map<string, StreamState>();
  private readonly packages: Array<Omit<PackageAudit, 'chainValid'>> = [];
  private readonly problems: AuditProblem[] = [];
  private problemCount = 0;
  private checked = 0;

  constructor(private readonly roots: TrustedRoots) {}

  check(event: RecordedEvent): void {
    this.checked++;
    let stream = this.streams.get(event.stream);
    if (!stream) {
      stream = { events: 0, lastRevision: -1, lastHash: null, firstBroken: null };
      this.streams.set(event.stream, stream);
    }
    stream.events++;
    const link = checkLink(event, stream.lastHash);
    if (link.status === 'hash-mismatch') {
      this.problem(
        stream,
        event,
        'hash-mismatch',
        `the event's content gives hash ${link.computed}, it carries ${link.stored}: it was changed after it was recorded`,
      );
    } else if (link.status === 'missing-hash') {
      this.problem(stream, event, 'missing-hash', 'the event carries no hash');
    }
    if (event.type === 'LicensePackageActivated' && event.stream.startsWith('ledger-')) this.checkPackage(event);
    if (event.revision <= stream.lastRevision) {
      this.problem(
        stream,
        event,
        'out-of-order',
        `revision ${event.revision} comes after revision ${stream.lastRevision} of its stream in the global order`,
      );
      return;
    }
    const expected = stream.lastRevision + 1;
    if (event.revision > expected) {
      const missing =
        expected === event.revision - 1 ? `revision ${expected} is` : `revisions ${expected}–${event.revision - 1} are`;
      // After a gap the link cannot hold; the gap says why.
      this.problem(stream, event, 'revision-gap', `${missing} missing before this event`);
    } else if (link.status === 'broken-link') {
      this.problem(
        stream,
        event,
        'broken-link',
        `previousHash ${link.storedPrevious} is not the hash of revision ${expected - 1} (${link.expectedPrevious}): that event was changed or replaced`,
      );
    }
    stream.lastRevision = event.revision;
    stream.lastHash = storedHash(event.metadata);
  }

  report(): VerificationReport {
    const packages = this.packages.map((pkg) => {
      const broken = this.streams.get(pkg.stream)?.firstBroken ?? null;
      return { ...pkg, chainValid: broken === null || broken > pkg.revision };
    });
    return {
      ok: this.problemCount === 0,
      checkedEvents: this.checked,
      packages,
      problems: this.problems,
      problemCount: this.problemCount,
      streams: [...this.streams].map(([stream, state]) => ({
        stream,
        events: state.events,
        lastRevision: state.lastRevision,
        headHash: state.lastHash,
      })),
    };
  }

  private checkPackage(event: RecordedEvent): void {
    const check = checkActivatedPackage(event.data, this.roots);
    const located = { stream: event.stream, revision: event.revision, position: event.position.toString() };
    this.packages.push({
      packageId: check.packageId,
      owner: check.owner,
      sequence: check.sequence,
      ...located,
      signatureValid: check.signatureValid,
    });
    if (!check.signatureValid) {
      this.problemCount++;
      if (this.problems.length < MAX_PROBLEMS) {
        this.problems.push(
          check.onlyTrustMissing
            ? {
                kind: 'no-trusted-root',
                ...located,
                eventId: event.id,
                detail: `package ${check.packageId}: its signatures verify, but the owner certificate chains to none of the trusted roots (${check.reasons[0]}); verify with LICENSING_TRUSTED_ROOTS naming the issuer's root certificate`,
              }
            : {
                kind: 'package-signature-invalid',
                ...located,
                eventId: event.id,
                detail: `package ${check.packageId}: ${check.reasons.join('; ')}`,
              },
        );
      }
    }
  }

  private problem(stream: StreamState, event: RecordedEvent, kind: AuditProblemKind, detail: string): void {
    if (stream.firstBroken === null || event.revision < stream.firstBroken) stream.firstBroken = event.revision;
    this.problemCount++;
    if (this.problems.length >= MAX_PROBLEMS) return;
    this.problems.push({
      kind,
      stream: event.stream,
      revision: event.revision,
      position: event.position.toString(),
      eventId: event.id,
      detail,
    });
  }
}

/** Verifies a whole history (from the store or from an exported file). */
export async function verifyHistory(
  events: AsyncIterable<RecordedEvent>,
  roots: TrustedRoots,
  onEvent?: (event: RecordedEvent) => void,
): Promise<VerificationReport> {
  const verifier = new HistoryVerifier(roots);
  for await (const event of events) {
    verifier.check(event);
    onEvent?.(event);
  }
  return verifier.report();
}
