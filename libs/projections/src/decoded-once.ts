// The module itself, not the package's index: the projection thread loads this file, and the index brings the
// store factories with the KurrentDB client and gRPC (memory and start time the thread has no use for).
import type { RecordedEvent } from '@app/event-store';
import { decodable } from '@app/event-store/lazy-metadata-event';

/** Per event, the values its memos derived (see `oncePerEvent`), one slot per memo. */
const MEMOS = Symbol('memos');
type WithMemos = RecordedEvent & { [MEMOS]?: unknown[] };
let slots = 0;

/**
 * A value derived from a recorded event, computed once however many projections (and calls: `documentsFor`, then
 * `apply`) ask for it: the engine hands every projection of a batch the very same event objects, so the value rides
 * on the object itself, in a slot of this memo's own (so two memos never answer with each other's value). One array
 * of slots per event rather than a property per memo: each memo adding its own property made the one store that
 * adds them megamorphic, a runtime call per event and memo. And rather than a WeakMap: a rebuild handles hundreds
 * of thousands of events, and a WeakMap of them cost more (lookups, the collector's ephemeron work) than it saved.
 * `undefined` is never a memo: a derivation that answers it is asked again.
 */
export function oncePerEvent<Value>(derive: (event: RecordedEvent) => Value): (event: RecordedEvent) => Value {
  const slot = slots++;
  return (event: RecordedEvent): Value => {
    let memos = (event as WithMemos)[MEMOS];
    if (memos === undefined) {
      memos = new Array<unknown>(slots);
      (event as WithMemos)[MEMOS] = memos;
    }
    const known = memos[slot];
    // Sound: this slot only ever holds what this memo's derive returned.
    if (known !== undefined) return known as Value;
    const value = derive(event);
    memos[slot] = value;
    return value;
  };
}

/**
 * A guarded decoder that decodes each recorded event once for every projection that asks (see `oncePerEvent`). An
 * event that does not decode throws, every time it is asked for: nothing is remembered of it.
 */
export function decodedOnce<Event>(decode: (event: RecordedEvent) => Event): (event: RecordedEvent) => Event {
  // `decodable`: a rebuild's events parse their metadata when first read, and a decoder reads its schema version only.
  return oncePerEvent((event) => decode(decodable(event)));
}
