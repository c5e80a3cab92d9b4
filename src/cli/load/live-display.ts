/**
 * What `voltwire bench` shows while it runs.
 *
 * On a terminal: one status line updated in place — a cli-progress bar over the whole run
 * (warm-up + measured window), elapsed time, phase, throughput now and on average, p50/p99 of
 * the last tick, errors and calls outstanding. Anywhere else (a pipe, a CI log): one plain
 * line per tick, which reads well in a file and never fills it with carriage returns.
 *
 * Every tick's figures are also kept (`intervals`) for the JSON result file, like the periodic
 * statistics of VoltDB's AsyncBenchmark.
 */
import cliProgress from 'cli-progress';
import type { IntervalSnapshot } from './load-stats.js';

export interface LiveDisplayOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Warm-up + measured window, ms (the bar's length). */
  totalMs: number;
  /** Force the TTY (true) or plain (false) rendering; default: `stream.isTTY`. */
  tty?: boolean;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** The status text of one tick (shared by both renderings). */
export function statusText(s: IntervalSnapshot): string {
  return (
    `${s.phase.padEnd(7)} | ${integer.format(s.tpsNow).padStart(7)} tps now, ${integer.format(s.tpsAverage).padStart(7)} avg | ` +
    `p50 ${ms(s.p50Ms)} ms, p99 ${ms(s.p99Ms)} ms | errors ${integer.format(s.errors)} | outstanding ${integer.format(s.outstanding)}`
  );
}

const BAR_WIDTH = 20;

/**
 * The TTY line: bar, percentage, elapsed, status. The bar shrinks (down to nothing) when the
 * terminal is too narrow for the whole line, so the figures stay visible; what still does not
 * fit is cut at the terminal's edge (wrapping would break the redraw in place).
 */
export function liveLine(progress: number, width: number, elapsed: string, status: string): string {
  const text = `${String(Math.round(progress * 100)).padStart(3)}% | ${elapsed} s | ${status}`;
  const size = Math.max(0, Math.min(BAR_WIDTH, width - text.length - 2));
  if (size < 5) return text;
  const done = Math.round(Math.min(Math.max(progress, 0), 1) * size);
  return '█'.repeat(done) + '░'.repeat(size - done) + ' ' + text;
}

export class LiveDisplay {
  readonly intervals: IntervalSnapshot[] = [];
  readonly tty: boolean;
  private readonly stream: LiveDisplayOptions['stream'];
  private readonly totalSeconds: number;
  private bar: cliProgress.SingleBar | undefined;

  constructor(options: LiveDisplayOptions) {
    this.stream = options.stream;
    this.tty = options.tty ?? options.stream.isTTY === true;
    this.totalSeconds = Math.max(options.totalMs / 1000, 0.001);
  }

  /** Show the bar (TTY) — call when the load starts. */
  start(): void {
    if (!this.tty) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: (_options, params, payload: { elapsed?: string; status?: string }) => liveLine(params.progress, params.maxWidth, payload.elapsed ?? '0.0', payload.status ?? ''),
        hideCursor: true,
        clearOnComplete: false,
        linewrap: false,
        // The line changes every tick; redraw at most 4 times a second.
        fps: 4,
        // Let the command decide what Ctrl-C does (stop the load, print the report).
        gracefulExit: false,
      },
    );
    this.bar.start(this.totalSeconds, 0, { elapsed: '0.0', status: 'starting' });
  }

  tick(snapshot: IntervalSnapshot): void {
    this.intervals.push(snapshot);
    const elapsed = (snapshot.elapsedMs / 1000).toFixed(1);
    if (this.bar !== undefined) {
      this.bar.update(Math.min(snapshot.elapsedMs / 1000, this.totalSeconds), { elapsed, status: statusText(snapshot) });
    } else if (!this.tty) {
      this.stream.write(`[${elapsed.padStart(6)} s] ${statusText(snapshot)}\n`);
    }
  }

  /** Leave the final line in place (TTY) and stop redrawing; `complete` fills the bar. */
  stop(complete = false): void {
    if (this.bar === undefined) return;
    if (complete) this.bar.update(this.totalSeconds, { elapsed: this.totalSeconds.toFixed(1) });
    this.bar.stop();
    this.bar = undefined;
  }
}
