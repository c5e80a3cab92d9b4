/**
 * The voter workload: VoltDB's voter example, the standard VoltDB load test.
 *
 * `Initialize(maxContestants, names)` once, then a stream of
 * `Vote(phoneNumber BIGINT, contestantNumber INTEGER, maxVotesPerPhoneNumber BIGINT)`.
 *
 * The call distribution follows the example's phone-call generator (facts of the benchmark,
 * so results compare with VoltDB's own AsyncBenchmark):
 *
 * - the caller's area code is uniform over a list of US area codes, and the phone number is
 *   `areaCode * 10_000_000 + uniform(0 … 9_999_999)`;
 * - every area code has a favourite contestant: for about 70 % of area codes it is
 *   `floor(|sin(index)| * contestants) % contestants + 1`, for the others contestant 1 —
 *   so the totals are skewed and regional, not flat;
 * - half of the calls vote for the area's favourite, the other half for a uniformly chosen
 *   contestant;
 * - about 1 call in 100 votes for contestant 999, an invalid number the procedure rejects
 *   (answer 1), which exercises its validation path.
 *
 * With the default vote limit of 2 per phone number, repeat callers get answer 2.
 */
import { VOTER_CONTESTANT_NAMES } from '../../server/workloads/voter.js';
import { AREA_CODES } from './area-codes.js';
import { SeededRandom } from './random.js';
import { firstValue, type Workload, type WorkloadCall, type WorkloadClient, type WorkloadResponse } from './workload.js';

/** The contestants of VoltDB's voter example, in its order (the embedded server loads the same). */
export { VOTER_CONTESTANT_NAMES };

export const INVALID_CONTESTANT = 999;

export interface VoterOptions {
  /** Contestants to initialize (1 … 12; the example's default is 6). */
  contestants?: number;
  /** `maxVotesPerPhoneNumber` sent with each vote (the example's default is 2). */
  maxVotes?: number;
  seed?: number;
}

const VOTE_TYPES = ['BIGINT', 'INTEGER', 'BIGINT'] as const;

/** Labels of Vote's answers. */
export const VOTE_OUTCOME: Readonly<Record<string, string>> = {
  '0': 'accepted',
  '1': 'invalid contestant',
  '2': 'over vote limit',
};
const VOTE_OUTCOMES: readonly string[] = [VOTE_OUTCOME['0']!, VOTE_OUTCOME['1']!, VOTE_OUTCOME['2']!];

export class VoterWorkload implements Workload {
  readonly name = 'voter';
  readonly contestants: number;
  readonly maxVotes: number;
  private readonly random: SeededRandom;
  private readonly favourite: Int32Array;
  private readonly maxVotesParam: number;

  constructor(options: VoterOptions = {}) {
    this.contestants = options.contestants ?? 6;
    this.maxVotes = options.maxVotes ?? 2;
    if (!Number.isInteger(this.contestants) || this.contestants < 1 || this.contestants > VOTER_CONTESTANT_NAMES.length) {
      throw new RangeError(`voter contestants must be 1 to ${VOTER_CONTESTANT_NAMES.length}, got ${this.contestants}`);
    }
    if (!Number.isInteger(this.maxVotes) || this.maxVotes < 1) {
      throw new RangeError(`voter max votes per phone must be a positive integer, got ${this.maxVotes}`);
    }
    this.random = new SeededRandom(options.seed ?? 1);
    this.maxVotesParam = this.maxVotes;
    // The favourite map is drawn from its own generator so it does not depend on the call seed
    // offset of a worker: every worker of one run agrees on each area's favourite.
    const mapRandom = new SeededRandom(0x766f7465);
    this.favourite = new Int32Array(AREA_CODES.length);
    for (let i = 0; i < AREA_CODES.length; i++) {
      this.favourite[i] = mapRandom.int(100) >= 30 ? (Math.floor(Math.abs(Math.sin(i)) * this.contestants) % this.contestants) + 1 : 1;
    }
  }

  describe(): string {
    return `voter: ${this.contestants} contestants, at most ${this.maxVotes} votes per phone number`;
  }

  /** The comma-separated names `Initialize` takes. */
  contestantNames(): string {
    return VOTER_CONTESTANT_NAMES.slice(0, this.contestants).join(',');
  }

  async setup(client: WorkloadClient, log: (line: string) => void): Promise<void> {
    const response = await client.call('Initialize', [this.contestants, this.contestantNames()]);
    const count = firstValue(response);
    log(`voter: Initialize(${this.contestants}) done, ${String(count ?? '?')} contestants in the database`);
  }

  next(): WorkloadCall {
    const random = this.random;
    const areaIndex = random.int(AREA_CODES.length);
    let contestant = this.favourite[areaIndex]!;
    if (random.bool()) contestant = random.int(this.contestants) + 1;
    if (random.int(100) === 0) contestant = INVALID_CONTESTANT;
    const phone = AREA_CODES[areaIndex]! * 10_000_000 + random.int(10_000_000);
    // BIGINT parameters as numbers (a phone number is far below 2^53): no bigint to make per call.
    return { procedure: 'Vote', types: VOTE_TYPES, params: [phone, contestant, this.maxVotesParam] };
  }

  outcome(procedure: string, response: WorkloadResponse): string | undefined {
    if (procedure !== 'Vote') return undefined;
    const value = firstValue(response);
    if (value === undefined || value === null) return 'no answer';
    // Vote answers 0, 1 or 2 (a BIGINT: a bigint, or a number with the client's `bigint: 'number'`).
    const code = typeof value === 'bigint' ? Number(value) : value;
    return (typeof code === 'number' ? VOTE_OUTCOMES[code] : undefined) ?? `answer ${String(value)}`;
  }
}
