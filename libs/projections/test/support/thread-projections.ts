import type { RecordedEvent } from '@app/event-store';
import type { BatchDocuments, Projection } from '../../src';

/**
 * Projections for the projection thread's spec, loaded by the thread itself (ProjectionsSource). `control`, a
 * SharedArrayBuffer of three Int32 cells, lets the spec hold a batch: on a `Held` event the thread sets cell 0 to 1
 * and waits until the spec sets cell 1 to 1. `Crashed` events end the thread in the way their data says; `later`:
 * once the spec sets cell 2 to 1, after the batch was answered, with no batch in flight.
 */
export function threadProjections(control?: SharedArrayBuffer): Projection[] {
  const cells = control ? new Int32Array(control) : undefined;
  return [
    {
      name: 'counting',
      collections: { counts: [] },
      eventTypes: ['Counted', 'Held', 'Crashed'],
      documentsFor: (event: RecordedEvent) => [['counts', event.stream]],
      apply(event: RecordedEvent, documents: BatchDocuments) {
        if (event.type === 'Held' && cells) {
          Atomics.store(cells, 0, 1);
          Atomics.notify(cells, 0);
          Atomics.wait(cells, 1, 0);
        }
        if (event.type === 'Crashed') crash(String(event.data.how), cells);
        const count = documents.get<{ n: number }>('counts', event.stream)?.n ?? 0;
        documents.put('counts', event.stream, { n: count + 1 });
      },
    },
  ];
}

function crash(how: string, cells: Int32Array | undefined): void {
  if (how === 'exit') process.exit(3);
  if (how === 'refuse') throw new Error('the projection refuses this event');
  if (how === 'later' && cells) {
    const dieWhenTold = () => {
      if (Atomics.load(cells, 2) !== 1) return void setImmediate(dieWhenTold);
      throw new Error('an uncaught error in the projection thread');
    };
    setImmediate(dieWhenTold);
  }
}
