import { DurableAnswers } from '../src/durable-answers';

/**
 * The chain of a stream's answers (see DurableAnswers): released in turn order, each once every append before it
 * and its own are durable. Observed by the order of the callbacks, never by time.
 */

/** A promise settled by hand. */
function held(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A turn named `name` (after `append`, or a read turn): its answer or its failure goes into `order`. */
function turn(answers: DurableAnswers, order: string[], name: string, append?: Promise<void>): void {
  answers.after(
    append,
    () => order.push(name),
    () => order.push(`${name} failed`),
  );
}

describe('DurableAnswers', () => {
  it('answers a turn that appended nothing at once when nothing waits, and tells the runner', () => {
    const order: string[] = [];
    const answers = new DurableAnswers(() => order.push('settled'));
    turn(answers, order, 'read');
    // Given before `after` returned: no promise hop for a read of an idle stream.
    expect(order).toEqual(['read', 'settled']);
    expect(answers.idle).toBe(true);
  });

  it('answers such a turn only after an earlier append is durable, in turn order', async () => {
    const order: string[] = [];
    const answers = new DurableAnswers(() => undefined);
    const append = held();
    turn(answers, order, 'append', append.promise);
    turn(answers, order, 'read');
    await flush();
    expect(order).toEqual([]);
    expect(answers.idle).toBe(false);
    append.resolve();
    await flush();
    expect(order).toEqual(['append', 'read']);
    expect(answers.idle).toBe(true);
    // Idle again: the next read is answered at once.
    turn(answers, order, 'next read');
    expect(order).toEqual(['append', 'read', 'next read']);
  });

  it('fails the turns chained on a failed append, then answers at once again', async () => {
    const order: string[] = [];
    const answers = new DurableAnswers(() => undefined);
    const append = held();
    turn(answers, order, 'append', append.promise);
    turn(answers, order, 'read');
    append.reject(new Error('sync failed'));
    await flush();
    expect(order).toEqual(['append failed', 'read failed']);
    turn(answers, order, 'later read');
    expect(order).toEqual(['append failed', 'read failed', 'later read']);
  });
});
