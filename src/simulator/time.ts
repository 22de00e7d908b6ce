// Timestamps as Label Studio writes them. Django keeps microseconds, so the simulator does too:
// clients must parse 6 fractional digits (and none at all when the microsecond is 0).
import { performance } from 'node:perf_hooks';

/** Now, in microseconds since the epoch. Date.now() (so tests can fake it) plus a sub-millisecond part. */
export function nowMicros(nowMs: number = Date.now()): number {
  const subMillisecond = Math.floor((performance.now() * 1000) % 1000);
  return nowMs * 1000 + subMillisecond;
}

function parts(us: number): { date: string; time: string; fraction: string } {
  const iso = new Date(Math.floor(us / 1000)).toISOString(); // 2024-05-01T12:34:56.789Z
  const micros = String(us % 1_000_000).padStart(6, '0');
  // Python's isoformat()/str() drop the fraction entirely when microsecond == 0
  return { date: iso.slice(0, 10), time: iso.slice(11, 19), fraction: micros === '000000' ? '' : `.${micros}` };
}

/** A DateTimeField as Django REST renders it: ISO 8601, UTC as `Z`. */
export function restTime(us: number): string {
  const p = parts(us);
  return `${p.date}T${p.time}${p.fraction}Z`;
}

/** `str(timezone.now())`, the form StorageInfo stores inside `meta`. */
export function pythonTime(us: number): string {
  const p = parts(us);
  return `${p.date} ${p.time}${p.fraction}+00:00`;
}

/** Reads back either form above (always UTC), keeping the microseconds that Date.parse would drop. */
export function parseMicros(text: string): number {
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?/.exec(text);
  if (!m) return Number.NaN;
  return Date.parse(`${m[1]}T${m[2]}Z`) * 1000 + Number((m[3] ?? '').padEnd(6, '0'));
}
