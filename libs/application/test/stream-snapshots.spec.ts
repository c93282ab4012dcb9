import { CommandMemory, UNBOUNDED } from '../src/command-memory';
import type { RecordedCommand } from '../src/decide-batch';
import { restoreCommands, snapshotOf } from '../src/stream-snapshots';
import type { StateCodec } from '@app/domain';

/**
 * A snapshot carries the stream's recent commands (up to 8 MB of them). Each command's JSON is made once and the
 * snapshot hands the store those very buffers as parts: no command is serialised again, nothing is joined into a
 * fresh buffer per snapshot (that copy was a tenth of the CPU of a month ingesting batches).
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

describe('snapshotOf', () => {
  it("hands the store each remembered command's JSON made once, the same buffer in every later snapshot", () => {
    const commands = new CommandMemory<Event>(UNBOUNDED, codec.eventBytes);
    commands.set('c1', command(1));
    commands.set('c2', command(2));
    const first = snapshotOf('s', codec, at(commands, 2));
    commands.set('c3', command(3));
    const second = snapshotOf('s', codec, at(commands, 3));

    // '{"commands":[', c1, ',', c2, ']}'
    expect(first.extra).toHaveLength(5);
    expect(second.extra).toHaveLength(7);
    expect(second.extra[1]).toBe(first.extra[1]);
    expect(second.extra[3]).toBe(first.extra[3]);
  });

  it('makes a command anew once its events or position changed (its events can span pages of a read)', () => {
    const commands = new CommandMemory<Event>(UNBOUNDED, codec.eventBytes);
    commands.set('c1', { ...command(1), position: null });
    const before = snapshotOf('s', codec, at(commands, 1));
    commands.addEvent('c1', { type: 'Counted', data: { n: 10 } }, 7n);
    const after = snapshotOf('s', codec, at(commands, 2));
    expect(after.extra[1]).not.toBe(before.extra[1]);
    expect(JSON.parse(Buffer.from(after.extra[1]).toString('utf8'))).toMatchObject({ position: '7' });
  });

  it('restores the commands from the parts as saved, and from one buffer as a load answers', () => {
    const commands = new CommandMemory<Event>(UNBOUNDED, codec.eventBytes);
    for (let n = 1; n <= 3; n++) commands.set(`c${n}`, command(n));
    const { extra } = snapshotOf('s', codec, at(commands, 3));
    for (const parts of [extra, [Buffer.concat(extra)]]) {
      const restored = new CommandMemory<Event>(UNBOUNDED, codec.eventBytes);
      restoreCommands(parts, restored);
      expect([...restored.entries()]).toEqual([...commands.entries()]);
    }
  });
});
