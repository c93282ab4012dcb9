export const CHECKPOINTS = 'projection_checkpoints';

/** The parts of a MongoDB `Db` a reset uses (a test hands in a recording double). */
export interface ResettableDb<Session> {
  collection(name: string): {
    deleteMany(filter: object, options?: { session?: Session }): Promise<unknown>;
    deleteOne(filter: object, options?: { session?: Session }): Promise<unknown>;
  };
}

/**
 * Empties a projection for a rebuild: the checkpoint goes FIRST, then the documents. With a session (a replica set)
 * both happen in one transaction; without one, a reset interrupted half-way leaves documents without a checkpoint,
 * which the next start replays from position 0 over the position guard — never a checkpoint over emptied collections,
 * which would resume from the old position and leave the read model missing everything before it.
 */
export async function resetProjection<Session>(
  db: ResettableDb<Session>,
  projection: string,
  collections: string[],
  session?: Session,
): Promise<void> {
  await db.collection(CHECKPOINTS).deleteOne({ _id: projection }, { session });
  for (const collection of collections) await db.collection(collection).deleteMany({}, { session });
}
