// When a poller saw a sync's end, from the simulator's request log (its clock): the first read after the
// end Label Studio recorded.
import type { LabelStudioSimulator, RequestRecord } from '../src/simulator';
import { parseMicros } from '../src/simulator/time';

/** The trigger and reads of one gcs_sa storage. */
export function requestsTo(sim: LabelStudioSimulator, id: number): RequestRecord[] {
  const path = `/api/storages/export/gcs_sa/${id}`;
  return sim.requests.filter((r) => r.path === path || r.path === `${path}/sync`);
}

/** ms from the sync's end to the first GET after it; NaN when no read saw it. */
export function detectionMs(sim: LabelStudioSimulator, id: number, requests = requestsTo(sim, id)): number {
  const meta = sim.storage('gcs_sa', id)['meta'] as Record<string, unknown> | null;
  const end = parseMicros(String(meta?.['time_completed'])) / 1000;
  // The log's times are whole milliseconds, Label Studio's have microseconds: a read in the end's own millisecond saw it.
  const seen = requests.find((r) => r.method === 'GET' && r.at >= Math.floor(end));
  return seen ? seen.at - end : Number.NaN;
}
