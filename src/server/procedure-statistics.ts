/**
 * Counters behind `@Statistics('PROCEDURE', delta)`: one row per (procedure, partition) with
 * invocation counts, execution times in nanoseconds, result and parameter-set sizes, aborts
 * and failures — the columns of the real 11.4 capture.
 */

export interface ProcedureCounters {
  procedure: string;
  partition: number;
  transactional: boolean;
  invocations: number;
  minNs: number;
  maxNs: number;
  totalNs: number;
  minResult: number;
  maxResult: number;
  totalResult: number;
  minParams: number;
  maxParams: number;
  totalParams: number;
  aborts: number;
  failures: number;
}

export type CallResult = 'success' | 'abort' | 'failure';

function emptyCounters(procedure: string, partition: number, transactional: boolean): ProcedureCounters {
  return {
    procedure,
    partition,
    transactional,
    invocations: 0,
    minNs: Number.MAX_SAFE_INTEGER,
    maxNs: 0,
    totalNs: 0,
    minResult: Number.MAX_SAFE_INTEGER,
    maxResult: 0,
    totalResult: 0,
    minParams: Number.MAX_SAFE_INTEGER,
    maxParams: 0,
    totalParams: 0,
    aborts: 0,
    failures: 0,
  };
}

export class ProcedureStatistics {
  private readonly counters = new Map<string, ProcedureCounters>();
  /** Snapshot at the last delta read, to answer `@Statistics(…, 1)`. */
  private baseline = new Map<string, ProcedureCounters>();

  record(procedure: string, partition: number, transactional: boolean, elapsedNs: number, resultBytes: number, paramBytes: number, result: CallResult): void {
    const key = `${procedure}\u0000${partition}`;
    let c = this.counters.get(key);
    if (c === undefined) {
      c = emptyCounters(procedure, partition, transactional);
      this.counters.set(key, c);
    }
    c.invocations++;
    if (elapsedNs < c.minNs) c.minNs = elapsedNs;
    if (elapsedNs > c.maxNs) c.maxNs = elapsedNs;
    c.totalNs += elapsedNs;
    if (resultBytes < c.minResult) c.minResult = resultBytes;
    if (resultBytes > c.maxResult) c.maxResult = resultBytes;
    c.totalResult += resultBytes;
    if (paramBytes < c.minParams) c.minParams = paramBytes;
    if (paramBytes > c.maxParams) c.maxParams = paramBytes;
    c.totalParams += paramBytes;
    if (result === 'abort') c.aborts++;
    else if (result === 'failure') c.failures++;
  }

  /**
   * Rows to report, ordered by procedure then partition. With `delta`, counts since the last
   * delta read (minimum and maximum stay cumulative, as VoltDB's do within an interval).
   */
  snapshot(delta: boolean): ProcedureCounters[] {
    const rows: ProcedureCounters[] = [];
    for (const [key, c] of this.counters) {
      const base = delta ? this.baseline.get(key) : undefined;
      if (base === undefined) {
        rows.push({ ...c });
        continue;
      }
      const invocations = c.invocations - base.invocations;
      if (invocations === 0) continue;
      rows.push({
        ...c,
        invocations,
        totalNs: c.totalNs - base.totalNs,
        totalResult: c.totalResult - base.totalResult,
        totalParams: c.totalParams - base.totalParams,
        aborts: c.aborts - base.aborts,
        failures: c.failures - base.failures,
      });
    }
    if (delta) this.baseline = new Map([...this.counters].map(([key, c]) => [key, { ...c }]));
    return rows.sort((a, b) => (a.procedure < b.procedure ? -1 : a.procedure > b.procedure ? 1 : a.partition - b.partition));
  }

  /** Invocations of `procedure` summed over partitions (for tests and `stats()`). */
  invocations(procedure: string): number {
    let total = 0;
    for (const c of this.counters.values()) if (c.procedure === procedure) total += c.invocations;
    return total;
  }

  reset(): void {
    this.counters.clear();
    this.baseline.clear();
  }
}
