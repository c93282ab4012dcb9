import { MONGO_MAX_WRITES_PER_COMMIT } from '../../src/mongodb/mongo-read-model-store';
import { CHECKPOINTS, resetProjection } from '../../src/mongodb/mongo-reset';

/** Issue 13, item 14: a reset never leaves a checkpoint over emptied collections, and rebuild commits stay small. */
describe('MongoDB reset for a rebuild', () => {
  it('deletes the checkpoint before it empties the collections, all in the session when there is one', async () => {
    const calls: string[] = [];
    const session = { id: 'session' };
    const db = {
      collection: (name: string) => ({
        deleteMany: async (_: object, options?: { session?: unknown }) =>
          void calls.push(`deleteMany ${name}${options?.session === session ? ' in session' : ''}`),
        deleteOne: async (filter: object, options?: { session?: unknown }) =>
          void calls.push(
            `deleteOne ${name} ${JSON.stringify(filter)}${options?.session === session ? ' in session' : ''}`,
          ),
      }),
    };
    await resetProjection(db, 'license-list', ['license_list', 'license_holders'], session);
    expect(calls).toEqual([
      `deleteOne ${CHECKPOINTS} {"_id":"license-list"} in session`,
      'deleteMany license_list in session',
      'deleteMany license_holders in session',
    ]);
  });

  it('caps what a rebuild defers into one transaction well below MongoDB limits', () => {
    expect(MONGO_MAX_WRITES_PER_COMMIT).toBeLessThanOrEqual(10_000);
  });
});
