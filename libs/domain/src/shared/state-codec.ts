/**
 * How a decider's state is kept outside the fold: encoded into a snapshot and decoded back, and how much memory it
 * and its events take. Pure; the command runner uses it for snapshots and its memory budget.
 */
export interface StateCodec<State, Event> {
  /**
   * Bump it whenever the state's shape or `evolve` changes: a snapshot of another version is ignored and the
   * stream folded from the start (then snapshotted anew).
   */
  version: number;
  /**
   * The state's bytes, sharing nothing with the state (which the next event changes in place). `allocate`, when
   * given, supplies the buffer to fill, of exactly the length asked, holding anything (every byte must be written):
   * the runner hands in the buffers of its earlier snapshots, because a month's table is megabytes, and touching
   * fresh memory for the first time costs far more than copying into memory already touched (a 4 MB table: 23 ms
   * against 0.5 ms on the machines we measured). A codec may ignore it and answer fresh bytes.
   */
  encode(state: State, allocate?: (byteLength: number) => Uint8Array): Uint8Array;
  decode(bytes: Uint8Array): State;
  /** Approximate bytes the state holds in memory; cheap (no walk over a tenant's users or usage ids). */
  stateBytes(state: State): number;
  /** Approximate bytes of one event in memory, also a measure of what folding it costs. */
  eventBytes(event: Event): number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function fromJsonBytes<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}
