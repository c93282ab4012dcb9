import type { RecordedEvent } from '@app/event-store';

const DECODED = Symbol('decoded');

/** A recorded event carrying what a decoder made of it (the memo of `decodedOnce`). */
type Memo = RecordedEvent & { [DECODED]?: { by: unknown; event: unknown } };

/**
 * A guarded decoder that decodes each recorded event once, however many projections (and calls: `documentsFor`,
 * then `apply`) ask for it: the engine hands every projection of a batch the very same event objects, so the
 * decoded event rides on the object itself. A memo on the object rather than a WeakMap: a rebuild decodes hundreds
 * of thousands of events, and a WeakMap of them cost more (lookups and the collector's ephemeron work) than the
 * schema check it saved.
 */
export function decodedOnce<Event>(decode: (event: RecordedEvent) => Event): (event: RecordedEvent) => Event {
  const decodeOnce = (event: RecordedEvent): Event => {
    const memo = (event as Memo)[DECODED];
    // Sound: a memo made by this very decoder holds what it returned.
    if (memo !== undefined && memo.by === decodeOnce) return memo.event as Event;
    const decoded = decode(event);
    (event as Memo)[DECODED] = { by: decodeOnce, event: decoded };
    return decoded;
  };
  return decodeOnce;
}
