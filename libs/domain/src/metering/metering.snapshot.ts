import { CompactIdSet } from '../shared/compact-id-set';
import type { StateCodec } from '../shared/state-codec';
import type { MeteringEvent, MeteringState } from './metering.events';

type Header = Omit<MeteringState, 'usageIds'> & { usageIdCount: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A metering month as a snapshot: a small JSON header (totals, users, adjustments, the close) and the usage-id
 * table as it is in memory, 8-byte aligned, so loading a month of a million ids is one copy, no rebuild.
 * Layout: u32 header length (little endian), header, zero padding to a multiple of 8, the table.
 */
export const meteringStateCodec: StateCodec<MeteringState, MeteringEvent> = {
  version: 1,
  encode(state, allocate = (byteLength) => new Uint8Array(byteLength)) {
    const { usageIds, ...rest } = state;
    const header = encoder.encode(JSON.stringify({ ...rest, usageIdCount: usageIds.size } satisfies Header));
    const tableAt = align8(4 + header.length);
    const table = usageIds.bytes();
    const bytes = allocate(tableAt + table.byteLength);
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(0, header.length, true);
    bytes.set(header, 4);
    // A reused buffer holds an older snapshot: the padding is written too, so equal states give equal bytes.
    bytes.fill(0, 4 + header.length, tableAt);
    bytes.set(table, tableAt);
    return bytes;
  },
  decode(bytes) {
    const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    const { usageIdCount, ...rest } = JSON.parse(decoder.decode(bytes.subarray(4, 4 + length))) as Header;
    return { ...rest, usageIds: CompactIdSet.fromBytes(bytes.subarray(align8(4 + length)), usageIdCount) };
  },
  stateBytes: (state) => state.usageIds.byteLength + 4096,
  eventBytes: (event) => 200 + ('records' in event.data ? event.data.records.length * 150 : 0),
};

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
