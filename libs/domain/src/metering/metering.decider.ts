import type { EventSourcedDecider } from '../shared/decider';
import { meteringEventCodec } from './metering.codec';
import { decideMetering, MeteringCommand, MeteringRefusal } from './metering.decide';
import { evolveMetering, initialMeteringState, MeteringEvent, MeteringState } from './metering.events';

export const metering: EventSourcedDecider<MeteringCommand, MeteringEvent, MeteringState, MeteringRefusal> = {
  codec: meteringEventCodec,
  initialState: initialMeteringState,
  decide: decideMetering,
  evolve: evolveMetering,
};

export const meteringStream = (tenantId: string, month: string) => `metering-${tenantId}-${month}`;
