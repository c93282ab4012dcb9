import type { DeciderRunner } from '@app/application';
import type { MeteringCommand, MeteringEvent, MeteringState } from '@app/domain';

export type MeteringRunner = DeciderRunner<MeteringCommand, MeteringEvent, MeteringState>;

export const METERING_RUNNER = Symbol('METERING_RUNNER');
