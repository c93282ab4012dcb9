import type { MeteringCommand, MeteringEvent, MeteringRefusal, MeteringState } from '@app/domain';
import type { DeciderRunner } from '../decider-runner';

export type MeteringRunner = DeciderRunner<MeteringCommand, MeteringEvent, MeteringState, MeteringRefusal>;

/** The metering months' runner, one per process; the API's MeteringModule binds it. */
export const METERING_RUNNER = Symbol('METERING_RUNNER');
