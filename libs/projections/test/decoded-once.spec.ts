import { EventDecodingError } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { decodedOnce, oncePerEvent } from '../src/decoded-once';
import { asLedgerEvent } from '../src/ledger/ledger-event';

/** What makes a rebuild cheap without dropping the guard: each event is decoded once for every projection. */
const recorded = (data: RecordedEvent['data'], type = 'UserDeactivated'): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  stream: 'ledger-T',
  revision: 0,
  position: 1n,
  type,
  data,
  metadata: {},
  recordedAt: '2026-05-01T00:00:00.000Z',
});

describe('decodedOnce', () => {
  it('decodes an event once however often and by however many projections it is asked for', () => {
    let calls = 0;
    const decode = decodedOnce((event: RecordedEvent) => {
      calls++;
      return { type: event.type };
    });
    const event = recorded({ userId: 'u1' });
    expect(decode(event)).toEqual({ type: 'UserDeactivated' });
    expect(decode(event)).toBe(decode(event));
    expect(calls).toBe(1);
    // Another event is decoded anew; another decoder never answers with this one's memo (each domain has its own).
    decode(recorded({ userId: 'u2' }));
    expect(calls).toBe(2);
    const other = decodedOnce(() => 'other');
    expect(other(event)).toBe('other');
    expect(decode(event)).toEqual({ type: 'UserDeactivated' });
  });

  it('stays guarded: an event that does not decode throws every time it is asked for, and is never remembered', () => {
    const broken = recorded({ userId: 42 });
    expect(() => asLedgerEvent(broken)).toThrow(EventDecodingError);
    expect(() => asLedgerEvent(broken)).toThrow(EventDecodingError);
  });
});

describe('oncePerEvent', () => {
  it('keeps each memo apart on the same event, and asks again when a derivation answered nothing', () => {
    const event = recorded({ userId: 'u1' });
    let asked = 0;
    const first = oncePerEvent(() => 'first');
    const second = oncePerEvent(() => 'second');
    const nothing = oncePerEvent(() => (asked++, undefined));
    expect([first(event), second(event), first(event), second(event)]).toEqual(['first', 'second', 'first', 'second']);
    nothing(event);
    nothing(event);
    expect(asked).toBe(2);
  });
});
