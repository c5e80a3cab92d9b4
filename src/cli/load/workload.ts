/**
 * What a load workload is: a setup step, then an endless stream of calls.
 *
 * The load runner owns pacing, measurement and flow control; a workload only says which
 * procedure to call next with which parameters, and how to label a successful answer
 * (voter's Vote answers 0 accepted / 1 invalid contestant / 2 over the phone's limit).
 */

/** The narrow slice of the client a workload needs for its setup. */
export interface WorkloadClient {
  call(procedure: string, params: readonly unknown[], options?: { timeoutMs?: number }): Promise<WorkloadResponse>;
}

/** The part of a response a workload reads: the first value of the first table, when there is one. */
export interface WorkloadResponse {
  tables?: readonly WorkloadTable[];
}

export interface WorkloadTable {
  readonly rowCount: number;
  /** One value (a `VoltTable` reads it straight from the response bytes: no row is built). */
  get(row: number, column: number): unknown;
}

/** One call of the stream. `types` are declared parameter types (checked before sending). */
export interface WorkloadCall {
  procedure: string;
  types: readonly string[];
  params: unknown[];
}

export interface Workload {
  /** `voter` or `kv`. */
  readonly name: string;
  /** One line describing the parameters, for the report. */
  describe(): string;
  /** Prepare the database (Initialize, preload); `log` prints progress lines. */
  setup(client: WorkloadClient, log: (line: string) => void): Promise<void>;
  /** The next call. Deterministic for a given seed. */
  next(): WorkloadCall;
  /** A label for a successful response (counted in the report's outcomes), or undefined. */
  outcome(procedure: string, response: WorkloadResponse): string | undefined;
}

/** The first value of the first table of a response, or undefined. */
export function firstValue(response: WorkloadResponse): unknown {
  const table = response.tables?.[0];
  if (table === undefined || table.rowCount === 0) return undefined;
  return table.get(0, 0);
}
