// Reads a server's memory and CPU from /proc, from outside, so nothing in the measured process
// changes to be measured: peak RSS per load window and CPU time per request.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const MIB = 1024 * 1024;

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A field of /proc/<pid>/status in bytes (VmRSS: now, VmHWM: peak since start or last reset). */
export function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]) * 1024;
}

export function rssMiB(pid: number): number {
  return statusBytes(pid, 'VmRSS') / MIB;
}

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * Peak RSS over a window. Linux resets VmHWM when "5" is written to clear_refs, which makes the
 * peak exact; where that is refused, VmRSS sampled every 50 ms is the (slightly low) estimate.
 */
export class PeakRss {
  private sampled = 0;
  private readonly exact: boolean;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    try {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
      this.exact = true;
    } catch {
      this.exact = false;
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), 50).unref();
  }

  private sample(): void {
    try {
      this.sampled = Math.max(this.sampled, statusBytes(this.pid, 'VmRSS'));
    } catch {
      // The process is gone; the run reports that through its errors.
    }
  }

  /** Peak RSS in MiB since construction. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    let peak = this.sampled;
    if (this.exact) {
      try {
        peak = Math.max(peak, statusBytes(this.pid, 'VmHWM'));
      } catch {
        // as above
      }
    }
    return peak / MIB;
  }
}
