import { CommandMemory, UNBOUNDED } from '../src/command-memory';
import type { RecordedCommand } from '../src/decide-batch';
import { GROUP, snapshotCommandCounters } from '../src/snapshot-commands';
import { restoreCommands, snapshotOf } from '../src/stream-snapshots';
import type { StateCodec } from '@app/domain';

/**
 * A snapshot carries the stream's recent commands (up to 8 MB of them), written in groups: each group's JSON is made
 * once and handed to the store again while the group is unchanged. No command is serialised again per snapshot,
 * nothing is joined into a fresh buffer per snapshot (that copy was a tenth of the CPU of a month ingesting
 * batches), and a snapshot has a few dozen parts rather than one per command (whose writev validated each).
 */

interface Event {
  type: 'Counted';
  data: { n: number };
}
const codec: StateCodec<number, Event> = {
  version: 1,
  encode: (state) => new TextEncoder().encode(String(state)),
  decode: (bytes) => Number(new TextDecoder().decode(bytes)),
  stateBytes: () => 8,
  eventBytes: () => 100,
};

function command(n: number): RecordedCommand<Event> {
  return { hash: `h${n}`, summary: { n }, events: [{ type: 'Counted', data: { n } }], position: BigInt(n) };
}

const at = (commands: CommandMemory<Event>, revision: number) => ({
  state: revision,
  revision,
  position: BigInt(revision),
  lastHash: `hash-${revision}`,
  commands,
});

const commandsOf = (extra: readonly Uint8Array[]): unknown =>
  JSON.parse(Buffer.concat(extra).toString('utf8')) as unknown;

describe('snapshotOf', () => {
  it('hands the store each group of remembered commands made once, the same buffer in every later snapshot', () => {
    const commands = new CommandMemory<Event>(UNBOUNDED, codec.eventBytes);
    for (let n = 1; n <= GROUP + 2; n++) commands.set(`c${n}`, command(n));
    const written = snapshotCommandCounters.groupsWritten;
    const first = snapshotOf('s', codec, at(commands, GROUP + 2));
    commands.set('new', command(0));
    const second = snapshotOf('s', codec, at(commands, GROUP + 3));

    // '{"commands":[', the first group, ',', the second, ']}'
    expect(first.extra).toHaveLength(5);
    expect(second.extra).toHaveLength(5);
    expect(second.extra[1]).toBe(first.extra[1]);
    expect(second.extra[3]).not.toBe(first.extra[3]);
    // Three groups made: the two of the first snapshot, and the second group again once a command joined it.
    expect(snapshotCommandCounters.groupsWritten - written).toBe(3);
    const ids = (extra: readonly Uint8Array[]) =>
      (commandsOf(extra) as { commands: Array<{ id: string }> }).commands.map((stored) => stored.id);
    expect(ids(second.extra)).toEqual([...Array.from({ length: GROUP + 2 }, (_, i) => `c${i + 1}`), 'new']);
  });

  it('keeps the groups the memory still holds whole when it forgets its oldest commands', () => {
    const commands = new CommandMemory<Event>({ commands: GROUP * 2, bytes: Infinity }, codec.eventBytes);
    for (let n = 1; n <= GROUP * 2; n++) commands.set(`c${n}`, command(n));
    const first = snapshotOf('s', codec, at(commands, 1));
    commands.set('next', command(0)); // forgets c1: the first group is made again, the second stays
    const second = snapshotOf('s', codec, at(commands, 2));
    expect(second.extra[3]).toBe(first.extra[3]);
    expect(second.extra[1]).not.toBe(first.extra[1]);
    const stored = (commandsOf(second.extra) as { commands: Array<{ id: string }> }).commands;
    expect(stored.map((command) => command.id)).toEqual([...commands.entries()].map(([id]) => id));
  });

  it('makes a command anew once its events or position changed (its events can span pages of a read)', () => {
    const commands = new CommandMemory<Event>(UNBOUNDED, codec.eventBytes);
    commands.set('c1', { ...command(1), position: null });
    const before = snapshotOf('s', codec, at(commands, 1));
    commands.addEvent('c1', { type: 'Counted', data: { n: 10 } }, 7n);
    const after = snapshotOf('s', codec, at(commands, 2));
    expect(after.extra[1]).not.toBe(before.extra[1]);
    expect(commandsOf(after.extra)).toMatchObject({
      commands: [{ position: '7', events: [{ data: { n: 1 } }, { data: { n: 10 } }] }],
    });
  });

  it('writes a command set again (a move to the newest) once, in its new place', () => {
    const commands = new CommandMemory<Event>(UNBOUNDED, codec.eventBytes);
    for (let n = 1; n <= 3; n++) commands.set(`c${n}`, command(n));
    snapshotOf('s', codec, at(commands, 3));
    commands.set('c1', command(9));
    const stored = commandsOf(snapshotOf('s', codec, at(commands, 4)).extra) as {
      commands: Array<{ id: string; hash: string }>;
    };
    expect(stored.commands.map((command) => [command.id, command.hash])).toEqual([
      ['c2', 'h2'],
      ['c3', 'h3'],
      ['c1', 'h9'],
    ]);
  });

  it('restores the commands from the parts as saved, and from one buffer as a load answers', () => {
    const commands = new CommandMemory<Event>(UNBOUNDED, codec.eventBytes);
    for (let n = 1; n <= GROUP + 3; n++) commands.set(`c${n}`, command(n));
    const { extra } = snapshotOf('s', codec, at(commands, 3));
    for (const parts of [extra, [Buffer.concat(extra)]]) {
      const restored = new CommandMemory<Event>(UNBOUNDED, codec.eventBytes);
      restoreCommands(parts, restored);
      expect([...restored.entries()]).toEqual([...commands.entries()]);
    }
  });

  it('writes an empty memory as no commands', () => {
    const commands = new CommandMemory<Event>(UNBOUNDED, codec.eventBytes);
    expect(commandsOf(snapshotOf('s', codec, at(commands, 0)).extra)).toEqual({ commands: [] });
  });
});
