// Linux /proc readings for the scale run: CPU time and peak RSS of processes it started.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU ms of a process (0 once it is gone). */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Peak resident set (VmHWM) in MiB. */
export function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Processes whose command line contains every given string. */
export function pidsWith(...parts: string[]): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      return parts.every((p) => cmd.includes(p));
    } catch {
      return false;
    }
  });
}

/**
 * Ms the process's threads spent runnable but waiting for a CPU (schedstat's run delay), summed:
 * how much a process was starved, as against how much it computed.
 */
export function runDelayMs(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).reduce((total, tid) => total + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e6, 0);
  } catch {
    return 0;
  }
}

/** TCP connections the kernel dropped because a listener's accept queue was full (machine-wide, since boot). */
export function listenOverflows(): number {
  const [names, values] = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:')).map((l) => l.split(' '));
  return Number(values?.[names?.indexOf('ListenOverflows') ?? -1] ?? NaN);
}
