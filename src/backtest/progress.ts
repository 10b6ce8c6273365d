// A one-line progress bar for a terminal (stderr): simulated time done, speed in simulated hours per
// wall second, and the ETA. Redraws at most ~10 times a second so drawing never slows the run.
export interface ProgressBar {
  update(doneMs: number, totalMs: number, label?: string): void;
  done(): void;
}

export function progressBar(write: (s: string) => void, now: () => number = () => performance.now()): ProgressBar {
  const start = now();
  let last = -Infinity;
  let drawn = false;
  return {
    update(doneMs, totalMs, label) {
      const t = now();
      if (t - last < 100 && doneMs < totalMs) return;
      last = t;
      drawn = true;
      const frac = totalMs > 0 ? Math.min(1, doneMs / totalMs) : 1;
      const width = 30;
      const filled = Math.round(frac * width);
      const wallSec = (t - start) / 1000;
      const simH = doneMs / 3_600_000;
      const speed = wallSec > 0 ? simH / wallSec : 0;
      const eta = speed > 0 ? (totalMs - doneMs) / 3_600_000 / speed : NaN;
      write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${simH.toFixed(2)}/${(totalMs / 3_600_000).toFixed(2)} h  ${speed.toFixed(2)} h/s  ETA ${Number.isFinite(eta) ? fmtSec(eta) : '--'}${label ? '  ' + label : ''}\x1b[K`,
      );
    },
    done() {
      if (drawn) write('\r\x1b[K');
    },
  };
}

function fmtSec(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
