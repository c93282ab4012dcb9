/** A `cursor` that no `find` of this store handed out (or one for a different query shape). */
export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this query handed out');
    this.name = 'InvalidCursorError';
  }
}

/** The read-model store cannot be reached or failed underneath (network, server, replica set). */
export class ReadModelStoreUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'ReadModelStoreUnavailableError';
    this.cause = cause;
  }
}

/** A batch at or below the projection's stored checkpoint: applying it would apply events twice. */
export class CheckpointRegressionError extends Error {
  constructor(projection: string, stored: bigint, attempted: bigint) {
    super(`projection ${projection} is at ${stored}; refusing to apply up to ${attempted} again`);
    this.name = 'CheckpointRegressionError';
  }
}
