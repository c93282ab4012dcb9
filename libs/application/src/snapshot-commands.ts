import type { Position } from '@app/event-store';
import type { CommandMemory } from './command-memory';
import type { RecordedCommand } from './decide-batch';

/**
 * The commands a snapshot carries, as the JSON `{"commands":[...]}` in parts for the store to write one after the
 * other. A stream remembers up to 10,000 commands and is snapshotted about every 800 events of a busy month, so a
 * snapshot holds mostly commands the previous one held already. They are written in groups of `GROUP` by their
 * sequence number in the memory (`CommandMemory.forEach`), and a group's text is made once and handed over again
 * while the group is unchanged: forgetting the oldest commands or adding new ones leaves the other groups as they
 * are. Measured before (one buffer per command, 12,800 parts per snapshot of a busy month): 8.7 ms of the event
 * loop in `saveIfDue` and a writev that validated every part, about 4 % of a single usage record's CPU.
 */

/** Commands per group: a group's text is about 50 kB for metering's 200-byte summaries. */
export const GROUP = 256;

interface StoredCommand<Event> {
  id: string;
  hash: string;
  summary: unknown;
  position: string | null;
  events: Event[];
}

/** A group's text and what it was made of: each command's id, the object, and its events' count and position. */
interface Group {
  ids: string[];
  commands: RecordedCommand<unknown>[];
  events: number[];
  positions: Array<Position | null>;
  json: Buffer;
}

/** Counts group texts made (not those reused): for tests that an unchanged group is not serialised again. */
export const snapshotCommandCounters = { groupsWritten: 0 };

// Keyed by the memory (weakly: a stream dropped from the cache takes its groups with it).
const groupsOf = new WeakMap<object, Map<number, Group>>();

const OPEN = Buffer.from('{"commands":[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

export function commandParts<Event>(memory: CommandMemory<Event>): Buffer[] {
  const known = groupsOf.get(memory) ?? new Map<number, Group>();
  const kept = new Map<number, Group>();
  const parts: Buffer[] = [OPEN];
  // The group being visited: the known one while every command so far is its member at that place, unchanged
  // (nothing is collected then); once one differs, its commands are collected to make the group anew.
  let key = -1;
  let candidate: Group | undefined;
  let matched = 0;
  let ids: string[] | undefined;
  let commands: RecordedCommand<unknown>[] | undefined;
  const end = () => {
    let group: Group | undefined;
    if (commands && ids) group = groupOf(ids, commands);
    else if (candidate && matched === candidate.commands.length) group = candidate;
    else if (candidate && matched > 0)
      group = groupOf(candidate.ids.slice(0, matched), candidate.commands.slice(0, matched));
    if (!group) return;
    kept.set(key, group);
    if (parts.length > 1) parts.push(COMMA);
    parts.push(group.json);
  };
  memory.forEach((id, command, seq) => {
    const of = Math.floor(seq / GROUP);
    if (of !== key) {
      end();
      key = of;
      candidate = known.get(of);
      matched = 0;
      ids = undefined;
      commands = undefined;
    }
    if (!commands || !ids) {
      if (candidate && isMember(candidate, matched, id, command)) {
        matched++;
        return;
      }
      // The first command that differs: the group is made anew, of the members matched so far and the rest.
      ids = candidate ? candidate.ids.slice(0, matched) : [];
      commands = candidate ? candidate.commands.slice(0, matched) : [];
    }
    ids.push(id);
    commands.push(command);
  });
  end();
  parts.push(CLOSE);
  // Only the groups of this snapshot are kept: a group the memory no longer holds whole is made again, once.
  groupsOf.set(memory, kept);
  return parts;
}

/** Whether the command is the known group's member at `index`, with the events and position it had then. */
function isMember<Event>(group: Group, index: number, id: string, command: RecordedCommand<Event>): boolean {
  return (
    index < group.commands.length &&
    group.commands[index] === command &&
    group.ids[index] === id &&
    group.events[index] === command.events.length &&
    group.positions[index] === command.position
  );
}

function groupOf<Event>(ids: string[], commands: RecordedCommand<Event>[]): Group {
  const texts = commands.map((command, index) => {
    const stored: StoredCommand<Event> = {
      id: ids[index],
      hash: command.hash,
      summary: command.summary,
      position: command.position?.toString() ?? null,
      events: command.events,
    };
    return JSON.stringify(stored);
  });
  snapshotCommandCounters.groupsWritten++;
  return {
    ids,
    commands,
    events: commands.map((command) => command.events.length),
    positions: commands.map((command) => command.position),
    json: Buffer.from(texts.join(',')),
  };
}

/** The commands a snapshot remembers, back into a command memory (oldest first, as they were). */
export function restoreCommands<Event>(extra: readonly Uint8Array[], into: CommandMemory<Event>): void {
  const text =
    extra.length === 1 ? Buffer.from(extra[0].buffer, extra[0].byteOffset, extra[0].byteLength) : Buffer.concat(extra);
  const { commands } = JSON.parse(text.toString('utf8')) as {
    commands: StoredCommand<Event>[];
  };
  for (const command of commands) {
    const recorded: RecordedCommand<Event> = {
      hash: command.hash,
      summary: command.summary,
      events: command.events,
      position: command.position === null ? null : BigInt(command.position),
    };
    into.set(command.id, recorded);
  }
}
