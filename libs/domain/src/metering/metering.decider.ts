import type { Decider } from '../shared/decider';
import { decideMetering, MeteringCommand, MeteringRefusal } from './metering.decide';
import { evolveMetering, initialMeteringState, MeteringEvent, MeteringState } from './metering.events';

export const metering: Decider<MeteringCommand, MeteringEvent, MeteringState, MeteringRefusal> = {
  initialState: initialMeteringState,
  decide: decideMetering,
  evolve: evolveMetering,
};

export const meteringStream = (tenantId: string, month: string) => `metering-${tenantId}-${month}`;
