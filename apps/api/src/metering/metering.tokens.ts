import type { DeciderRunner } from '@app/application';
import type { MeteringCommand, MeteringEvent, MeteringRefusal, MeteringState } from '@app/domain';

export type MeteringRunner = DeciderRunner<MeteringCommand, MeteringEvent, MeteringState, MeteringRefusal>;

export const METERING_RUNNER = Symbol('METERING_RUNNER');
