import {
  AccessDeniedError,
  ANY,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersion,
} from '@kurrent/kurrentdb-client';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  InvalidEventStoreRequestError,
  WrongExpectedVersionError,
} from '../../src';
import { isStreamNotFound, isWrongExpectedVersion, toPortError } from '../../src/kurrentdb/kurrentdb-errors';
import { toEventData, toRecordedEvent } from '../../src/kurrentdb/kurrentdb-event';
import { exactAlternatives, matchesFilter, serverFilter } from '../../src/kurrentdb/kurrentdb-filter';
import { compareLogPositions, toLogPosition, toPortPosition } from '../../src/kurrentdb/kurrentdb-position';
import { exactStreamState, fromCurrentState, fromStreamState } from '../../src/kurrentdb/kurrentdb-stream-state';

/** The part of grpc-js Metadata the client reads from a status error. */
function grpcMetadata(entries: Record<string, string>) {
  return { getMap: () => entries, get: (key: string) => (key in entries ? [entries[key]] : []) };
}

describe('KurrentDB mapping: positions', () => {
  it('a self-committed event (commit = prepare) has its commit position as the port position', () => {
    expect(toPortPosition({ commit: 12_345n, prepare: 12_345n }, 'e')).toBe(12_345n);
  });

  it('maps a port position back to the client position it came from', () => {
    for (const position of [0n, 1n, 4_096n, 2n ** 53n + 1n, 2n ** 63n - 1n]) {
      expect(toLogPosition(position)).toEqual({ commit: position, prepare: position });
      expect(toPortPosition(toLogPosition(position), 'e')).toBe(position);
    }
  });

  it('keeps $all order: distinct events have distinct, increasing positions', () => {
    const log = [4_096n, 4_210n, 4_390n, 9_000n].map((p) => ({ commit: p, prepare: p }));
    const ports = log.map((p) => toPortPosition(p, 'e'));
    ports.slice(1).forEach((p, i) => expect(p > ports[i]).toBe(true));
    log.slice(1).forEach((p, i) => expect(compareLogPositions(log[i], p)).toBe(-1));
  });

  it('orders client positions by commit, then prepare', () => {
    expect(compareLogPositions({ commit: 10n, prepare: 2n }, { commit: 10n, prepare: 5n })).toBe(-1);
    expect(compareLogPositions({ commit: 11n, prepare: 0n }, { commit: 10n, prepare: 9n })).toBe(1);
    expect(compareLogPositions({ commit: 10n, prepare: 5n }, { commit: 10n, prepare: 5n })).toBe(0);
  });

  it('refuses an event of a legacy explicit transaction, which shares its commit position, naming it', () => {
    expect(() => toPortPosition({ commit: 900n, prepare: 100n }, 'event x')).toThrow(EventStoreUnavailableError);
    expect(() => toPortPosition({ commit: 900n, prepare: 100n }, 'event x')).toThrow(
      /event x.*explicit transaction.*commit 900, prepare 100/,
    );
  });

  it('refuses an event without a position (servers before 22.10)', () => {
    expect(() => toPortPosition(undefined, 'event y')).toThrow(/event y came without a log position/);
  });

  it('refuses a position no log can have', () => {
    expect(() => toLogPosition(-1n)).toThrow(InvalidEventStoreRequestError);
    expect(() => toLogPosition(2n ** 63n)).toThrow(InvalidEventStoreRequestError);
  });
});

describe('KurrentDB mapping: expected states', () => {
  it('maps streamStates and current states back', () => {
    expect(fromStreamState(ANY)).toBe('any');
    expect(fromStreamState(NO_STREAM)).toBe('no_stream');
    expect(fromStreamState(STREAM_EXISTS)).toBe('stream_exists');
    expect(fromStreamState(7n)).toBe(7);
    expect(fromCurrentState(NO_STREAM)).toBe('no_stream');
    expect(fromCurrentState(3n)).toBe(3);
    expect(fromCurrentState(-5n)).toBe('no_stream');
  });

  it('sends an append at the exact state the adapter found: no stream, or the last revision as bigint', () => {
    expect(exactStreamState('no_stream')).toBe(NO_STREAM);
    expect(exactStreamState(9)).toBe(9n);
  });
});

describe('KurrentDB mapping: errors', () => {
  it('a wrong expected version names the stream, the expected and the actual state', () => {
    const error = toPortError(
      new ClientWrongExpectedVersion(undefined, { streamName: 's-1', expected: 4n, current: 6n }),
      'append to',
      's-1',
    );
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ stream: 's-1', expected: 4, actual: 6 });
    const missing = toPortError(
      new ClientWrongExpectedVersion(undefined, { streamName: 's-2', expected: STREAM_EXISTS, current: NO_STREAM }),
      'append to',
    );
    expect(missing).toMatchObject({ stream: 's-2', expected: 'stream_exists', actual: 'no_stream' });
    expect(
      isWrongExpectedVersion(
        new ClientWrongExpectedVersion(undefined, { streamName: 's', expected: ANY, current: 1n }),
      ),
    ).toBe(true);
    expect(isWrongExpectedVersion(new UnavailableError())).toBe(false);
  });

  it.each([
    ['unavailable', new UnavailableError(undefined, 'down')],
    ['deadline exceeded', new DeadlineExceededError()],
    ['access denied', new AccessDeniedError()],
    ['a plain error', new Error('socket hang up')],
  ])('%s is EventStoreUnavailableError, with the client error as cause', (_, clientError) => {
    const error = toPortError(clientError, 'read of', 'x');
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as EventStoreUnavailableError).cause).toBeDefined();
  });

  it('converts a raw gRPC status error the client threw unconverted (code 14: no connection)', () => {
    // What @grpc/grpc-js rejects with: an Error carrying the status code, details and metadata.
    const raw = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
      details: 'No connection established',
      metadata: grpcMetadata({}),
    });
    const error = toPortError(raw, 'append to', 's');
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(error.message).toMatch(/KurrentDB append to 's' failed \(unavailable\)/);
  });

  it('a not-leader answer is unavailable too: the client rediscovers the leader and the caller retries', () => {
    const raw = Object.assign(new Error('5 NOT_FOUND: not leader'), {
      code: 5,
      details: 'not leader',
      metadata: grpcMetadata({
        exception: 'not-leader',
        'leader-endpoint-host': 'node2',
        'leader-endpoint-port': '2113',
      }),
    });
    const error = toPortError(raw, 'append to', 's');
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(error.message).toMatch(/not-leader/);
  });

  it('a request the server refuses as such is InvalidEventStoreRequestError', () => {
    expect(toPortError(MaxAppendSizeExceededError.fromMaxAppendSize(1024), 'append to', 's')).toBeInstanceOf(
      InvalidEventStoreRequestError,
    );
    expect(toPortError(StreamDeletedError.fromStreamName('s'), 'append to', 's')).toBeInstanceOf(
      InvalidEventStoreRequestError,
    );
  });

  it('port errors pass through untouched', () => {
    const duplicate = new DuplicateEventIdError('s', 'id');
    expect(toPortError(duplicate, 'append to', 's')).toBe(duplicate);
  });

  it('recognises a missing stream', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 's'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
  });
});

describe('KurrentDB mapping: filters', () => {
  it('sends stream prefixes to the server when there are any', () => {
    expect(serverFilter({ streamPrefix: ['ledger-', 'metering-'], eventTypes: ['A'] })).toMatchObject({
      filterOn: 'streamName',
      prefixes: ['ledger-', 'metering-'],
    });
    expect(serverFilter({ streamPrefix: 'ledger-' })).toMatchObject({ filterOn: 'streamName', prefixes: ['ledger-'] });
  });

  it('sends event types as an exact-match regex when there are no prefixes', () => {
    const filter = serverFilter({ eventTypes: ['LicenseAssigned', 'a.b+c'] });
    expect(filter).toMatchObject({ filterOn: 'eventType', regex: '^(?:LicenseAssigned|a\\.b\\+c)$' });
    const regex = new RegExp(exactAlternatives(['LicenseAssigned', 'a.b+c']));
    expect(regex.test('LicenseAssigned')).toBe(true);
    expect(regex.test('LicenseAssignedTwice')).toBe(false);
    expect(regex.test('aXb+c')).toBe(false);
    expect(regex.test('a.b+c')).toBe(true);
  });

  it('without a filter, asks the server to leave its own $-events out', () => {
    expect(serverFilter(undefined)).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
    expect(serverFilter({ streamPrefix: [], eventTypes: [] })).toMatchObject({
      filterOn: 'eventType',
      regex: '^[^$].*',
    });
  });

  it('checks the whole filter on each event, and never lets a $-event through', () => {
    const filter = { streamPrefix: ['ledger-'], eventTypes: ['A', 'B'] };
    expect(matchesFilter({ stream: 'ledger-1', type: 'A' }, filter)).toBe(true);
    expect(matchesFilter({ stream: 'ledger-1', type: 'C' }, filter)).toBe(false);
    expect(matchesFilter({ stream: 'metering-1', type: 'A' }, filter)).toBe(false);
    expect(matchesFilter({ stream: 'ledger-1', type: 'A' }, undefined)).toBe(true);
    expect(matchesFilter({ stream: '$stats-node', type: 'Thing' }, undefined)).toBe(false);
    expect(matchesFilter({ stream: 'ledger-1', type: '$metadata' }, undefined)).toBe(false);
    expect(matchesFilter({ stream: '$$ledger-1', type: '$metadata' }, { streamPrefix: '' })).toBe(false);
  });
});

describe('KurrentDB mapping: events', () => {
  it('appends JSON data and metadata under the port-fixed id', () => {
    const data = toEventData({
      id: 'b7c3f5a0-8b1e-4d2a-9c1e-1f2e3d4c5b6a',
      type: 'Thing',
      data: '{"n":1}',
      metadata: '{"actor":"u"}',
    });
    expect(data).toEqual({
      id: 'b7c3f5a0-8b1e-4d2a-9c1e-1f2e3d4c5b6a',
      contentType: 'application/json',
      type: 'Thing',
      data: { n: 1 },
      metadata: { actor: 'u' },
    });
  });

  const recorded = (overrides: Record<string, unknown> = {}) =>
    ({
      streamId: 'ledger-T',
      id: 'B7C3F5A0-8B1E-4D2A-9C1E-1F2E3D4C5B6A',
      isJson: true,
      revision: 3n,
      type: 'Thing',
      created: new Date('2026-05-01T10:00:00.123Z'),
      data: { n: 1 },
      metadata: { actor: 'u' },
      position: { commit: 5_000n, prepare: 5_000n },
      ...overrides,
    }) as never;

  it('maps a recorded event to the port', () => {
    expect(toRecordedEvent(recorded())).toEqual({
      id: 'b7c3f5a0-8b1e-4d2a-9c1e-1f2e3d4c5b6a',
      stream: 'ledger-T',
      revision: 3,
      position: 5_000n,
      type: 'Thing',
      data: { n: 1 },
      metadata: { actor: 'u' },
      recordedAt: '2026-05-01T10:00:00.123Z',
    });
    expect(toRecordedEvent(recorded({ metadata: undefined })).metadata).toEqual({});
  });

  it('refuses events the port cannot represent, naming them', () => {
    expect(() => toRecordedEvent(recorded({ isJson: false, data: new Uint8Array([1]) }))).toThrow(
      /ledger-T@3.*not a JSON object/,
    );
    expect(() => toRecordedEvent(recorded({ data: [1, 2] }))).toThrow(EventStoreUnavailableError);
    expect(() => toRecordedEvent(recorded({ metadata: new Uint8Array([1]) }))).toThrow(/metadata/);
    expect(() => toRecordedEvent(recorded({ position: { commit: 9n, prepare: 2n } }))).toThrow(/explicit transaction/);
  });
});
