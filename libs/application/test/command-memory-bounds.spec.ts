import { CommandMemory } from '../src';

/**
 * The command memory's bounds: oldest forgotten first, by number and by bytes, a command set again counted as new.
 * Forgetting at the limit takes the oldest entry from a queue: a JavaScript Map keeps a deleted entry's slot until
 * it is rehashed, so walking the Map from its front to find the oldest crossed every slot forgotten since (a memory
 * at its limit forgets one command per command set: 10 µs of a usage record in-process, issue 15).
 */

type Weighed = { size: number };
const command = (n: number, events: Weighed[] = []) => ({ hash: `h${n}`, events, summary: { n }, position: BigInt(n) });
const idsOf = (memory: CommandMemory<Weighed>) => {
  const ids: string[] = [];
  memory.forEach((id) => ids.push(id));
  return ids;
};

describe('CommandMemory bounds', () => {
  it('forgets the oldest commands first when over its number of commands', () => {
    const memory = new CommandMemory<Weighed>({ commands: 3, bytes: Infinity }, (e) => e.size);
    for (const n of [1, 2, 3, 4, 5]) memory.set(`c${n}`, command(n));
    expect(idsOf(memory)).toEqual(['c3', 'c4', 'c5']);
    expect(memory.get('c2')).toBeUndefined();
    expect(memory.get('c5')).toEqual(command(5));
    expect([memory.size, memory.bytes]).toEqual([3, 600]);
  });

  it('counts a command set again as the newest, and forgets it only after those set before it again', () => {
    const memory = new CommandMemory<Weighed>({ commands: 3, bytes: Infinity }, (e) => e.size);
    for (const n of [1, 2, 3]) memory.set(`c${n}`, command(n));
    memory.set('c1', command(11));
    memory.set('c4', command(4));
    expect(idsOf(memory)).toEqual(['c3', 'c1', 'c4']);
    expect(memory.get('c1')).toEqual(command(11));
    memory.set('c5', command(5));
    memory.set('c6', command(6));
    expect(idsOf(memory)).toEqual(['c4', 'c5', 'c6']);
    expect(memory.bytes).toBe(600);
  });

  it('forgets by bytes, events weighed, but always keeps the newest command', () => {
    const memory = new CommandMemory<Weighed>({ commands: 100, bytes: 1_000 }, (e) => e.size);
    memory.set('a', command(1, [{ size: 300 }])); // 500 bytes
    memory.set('b', command(2, [{ size: 300 }])); // 1,000 in all: within
    memory.set('c', command(3, [{ size: 100 }])); // 1,300: a goes
    expect(idsOf(memory)).toEqual(['b', 'c']);
    expect(memory.bytes).toBe(800);
    memory.set('huge', command(4, [{ size: 5_000 }]));
    expect(idsOf(memory)).toEqual(['huge']);
    expect(memory.addEvent('huge', { size: 1 }, 9n)).toBe(true);
    expect(memory.bytes).toBe(5_201);
  });

  it('forgets at the limit without walking its map', () => {
    const memory = new CommandMemory<Weighed>({ commands: 1_000, bytes: Infinity }, (e) => e.size);
    for (let n = 0; n < 1_000; n++) memory.set(`c${n}`, command(n));
    const walks = [
      jest.spyOn(Map.prototype, Symbol.iterator),
      jest.spyOn(Map.prototype, 'entries'),
      jest.spyOn(Map.prototype, 'keys'),
      jest.spyOn(Map.prototype, 'values'),
      jest.spyOn(Map.prototype, 'forEach'),
    ];
    try {
      for (let n = 1_000; n < 5_000; n++) memory.set(`c${n}`, command(n));
      expect(walks.map((walk) => walk.mock.calls.length)).toEqual([0, 0, 0, 0, 0]);
    } finally {
      walks.forEach((walk) => walk.mockRestore());
    }
    expect(memory.size).toBe(1_000);
    // Forgotten commands are let go at once: the queue holds exactly the remembered ones.
    const queue: unknown = Reflect.get(memory, 'order');
    expect(Array.isArray(queue) && queue.filter((slot) => slot !== undefined).length).toBe(1_000);
    expect(memory.get('c3999')).toBeUndefined();
    expect(memory.get('c4000')).toEqual(command(4000));
  });

  it('keeps its queue of set commands bounded when the same commands are set again and again within its limits', () => {
    const memory = new CommandMemory<Weighed>({ commands: 100, bytes: Infinity }, (e) => e.size);
    for (let round = 0; round < 10_000; round++) memory.set(`c${round % 10}`, command(round));
    expect(memory.size).toBe(10);
    const queue: unknown = Reflect.get(memory, 'order');
    expect(Array.isArray(queue) && queue.length).toBeLessThanOrEqual(2 * 10 + 64 + 1);
    expect(idsOf(memory)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9']);
  });
});
