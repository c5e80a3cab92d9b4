/**
 * VoltDB's voter example, so the same load tools run against either server: the schema of its
 * `ddl.sql` (CONTESTANTS, VOTES partitioned on PHONE_NUMBER, AREA_CODE_STATE, and the two
 * views), and its procedures with their real answers:
 *
 * - `Initialize(INTEGER maxContestants, STRING names)` → BIGINT: loads the contestants and
 *   the US area codes once; a later call changes nothing and answers the existing count.
 * - `Vote(BIGINT phone, INTEGER contestant, BIGINT maxVotesPerPhone)`, single-partition on the
 *   phone → BIGINT 0 accepted, 1 unknown contestant, 2 over the phone's limit; the state comes
 *   from the area code (`phone / 10000000`), `XX` when unknown.
 * - `Results()` → CONTESTANT_NAME, CONTESTANT_NUMBER, TOTAL_VOTES, most votes first.
 * - `GetStateHeatmap()`, `ContestantWinningStates(INTEGER, INTEGER)` as in the example.
 *
 * The views are kept current from VOTES' insert/delete hooks: votes per phone in a compact
 * open-addressing table (12 bytes an entry instead of ~60 for a Map), votes per
 * (contestant, state) in a small map.
 */
import { MP_PARTITION_ID, VOLT_TYPE } from '../../protocol/constants.js';
import type { TableInput } from '../../protocol/response-writer.js';
import { column, type TableSchema } from '../column-types.js';
import type { Database } from '../database.js';
import { installDefaultProcedures } from '../default-procedures.js';
import { unexpectedFailure } from '../failure-responses.js';
import type { ProcedureCall, ProcedureDefinition, ProcedureOutcome } from '../procedure.js';
import { encodeTable, resultSet, toTableInput } from '../result-set.js';
import { ComputedRelation } from '../derived-relations.js';
import { StoredTable } from '../store.js';
import { PhoneVoteCounter } from './phone-vote-counter.js';

/** US area codes by state, from the voter example's Initialize. */
const AREA_CODES =
  'AK 907|' +
  'AL 205 251 256 334|' +
  'AR 479 501 870|' +
  'AZ 480 520 602 623 928|' +
  'CA 209 213 310 323 341 369 408 415 424 442 510 530 559 562 619 626 627 628 650 661 669 707 714 747 760 764 805 818 831 858 909 916 925 935 949 951|' +
  'CO 303 719 720 970|' +
  'CT 203 475 860 959|' +
  'DC 202|' +
  'DE 302|' +
  'FL 239 305 321 352 386 407 561 689 727 754 772 786 813 850 863 904 927 941 954|' +
  'GA 229 404 470 478 678 706 762 770 912|' +
  'HI 808|' +
  'IA 319 515 563 641 712|' +
  'ID 208|' +
  'IL 217 224 309 312 331 464 618 630 708 773 779 815 847 872|' +
  'IN 219 260 317 574 765 812|' +
  'KS 316 620 785 913|' +
  'KY 270 502 606 859|' +
  'LA 225 318 337 504 985|' +
  'MA 339 351 413 508 617 774 781 857 978|' +
  'MD 240 301 410 443|' +
  'ME 207|' +
  'MI 231 248 269 278 313 517 586 616 679 734 810 906 947 989|' +
  'MN 218 320 507 612 651 763 952|' +
  'MO 314 417 557 573 636 660 816 975|' +
  'MS 228 601 662 769|' +
  'MT 406|' +
  'NC 252 336 704 828 910 919 980 984|' +
  'ND 701|' +
  'NE 308 402|' +
  'NH 603|' +
  'NJ 201 551 609 732 848 856 862 908 973|' +
  'NM 505 575 957|' +
  'NV 702 775|' +
  'NY 212 315 347 516 518 585 607 631 646 716 718 845 914 917|' +
  'OH 216 234 283 330 380 419 440 513 567 614 740 937|' +
  'OK 405 580 918|' +
  'OR 503 541 971|' +
  'PA 215 267 412 484 570 610 717 724 814 835 878|' +
  'RI 401|' +
  'SC 803 843 864|' +
  'SD 605|' +
  'TN 423 615 731 865 901 931|' +
  'TX 210 214 254 281 325 361 409 430 432 469 512 682 713 737 806 817 830 832 903 915 936 940 956 972 979|' +
  'UT 385 435 801|' +
  'VA 236 276 434 540 571 703 757 804|' +
  'VT 802|' +
  'WA 206 253 360 425 509 564|' +
  'WI 262 414 608 715 920|' +
  'WV 304|' +
  'WY 307'
305;

/** The contestants of VoltDB's voter example, in its order. */
export const VOTER_CONTESTANT_NAMES: readonly string[] = [
  'Edwina Burnam',
  'Tabatha Gehling',
  'Kelly Clauss',
  'Jessie Alloway',
  'Alana Bregman',
  'Jessie Eichman',
  'Allie Rogalski',
  'Nita Coster',
  'Kurt Walser',
  'Ericka Dieter',
  'Loraine Nygren',
  'Tania Mattioli',
];

/** Every (area code, state) pair Initialize loads. */
export function areaCodes(): [number, string][] {
  return AREA_CODES.split('|').flatMap((entry) => {
    const [state, ...codes] = entry.split(' ');
    return codes.map((code): [number, string] => [Number(code), state!]);
  });
}

const { BIGINT, INTEGER, SMALLINT, STRING } = VOLT_TYPE;

const CONTESTANTS: TableSchema = {
  name: 'CONTESTANTS',
  columns: [column('CONTESTANT_NUMBER', INTEGER, { nullable: false }), column('CONTESTANT_NAME', STRING, { size: 50, nullable: false })],
  primaryKey: [0],
  primaryKeyName: 'PK_CONTESTANTS',
  partitionColumn: -1,
};
const VOTES: TableSchema = {
  name: 'VOTES',
  columns: [column('PHONE_NUMBER', BIGINT, { nullable: false }), column('STATE', STRING, { size: 2, nullable: false }), column('CONTESTANT_NUMBER', INTEGER, { nullable: false })],
  primaryKey: [],
  partitionColumn: 0,
};
const AREA_CODE_STATE: TableSchema = {
  name: 'AREA_CODE_STATE',
  columns: [column('AREA_CODE', SMALLINT, { nullable: false }), column('STATE', STRING, { size: 2, nullable: false })],
  primaryKey: [0],
  primaryKeyName: 'PK_AREA_CODE_STATE',
  partitionColumn: -1,
};
const BY_PHONE: TableSchema = {
  name: 'V_VOTES_BY_PHONE_NUMBER',
  columns: [column('PHONE_NUMBER', BIGINT), column('NUM_VOTES', BIGINT)],
  primaryKey: [],
  partitionColumn: -1,
  view: { sourceTable: 'VOTES', partitionColumn: 'PHONE_NUMBER', groupColumns: 1 },
};
const BY_CONTESTANT_STATE: TableSchema = {
  name: 'V_VOTES_BY_CONTESTANT_NUMBER_STATE',
  columns: [column('CONTESTANT_NUMBER', INTEGER), column('STATE', STRING, { size: 2 }), column('NUM_VOTES', BIGINT)],
  primaryKey: [],
  partitionColumn: -1,
  view: { sourceTable: 'VOTES', partitionColumn: 'PHONE_NUMBER', groupColumns: 2 },
};

const LONG = [{ name: '', type: BIGINT }];
/** Vote's three possible answers, encoded once. */
const VOTE_RESULTS: readonly TableInput[] = [0n, 1n, 2n].map((n) => encodeTable(resultSet(LONG, [[n]])));
const VOTE_ACCEPTED: ProcedureOutcome = { tables: [VOTE_RESULTS[0]!] };
const VOTE_INVALID_CONTESTANT: ProcedureOutcome = { tables: [VOTE_RESULTS[1]!] };
const VOTE_OVER_LIMIT: ProcedureOutcome = { tables: [VOTE_RESULTS[2]!] };

function long(value: number | bigint): ProcedureOutcome {
  return { tables: [toTableInput(resultSet(LONG, [[BigInt(value)]]))] };
}

/** The voter workload's live state (exposed for tests and `stats()`). */
export class VoterWorkload {
  readonly byPhone = new PhoneVoteCounter();
  /** contestant → state → votes. */
  readonly byContestantState = new Map<number, Map<string, number>>();
  /** Bumped on every vote change, so the views recompute only when read after a change. */
  version = 0;
  readonly contestants: StoredTable;
  readonly votes: StoredTable;
  readonly areaCodeState: StoredTable;

  constructor(private readonly database: Database) {
    this.contestants = new StoredTable(CONTESTANTS, database.partitionCount);
    this.votes = new StoredTable(VOTES, database.partitionCount);
    this.areaCodeState = new StoredTable(AREA_CODE_STATE, database.partitionCount);
    this.votes.onInsert = (row) => this.count(row, 1);
    this.votes.onDelete = (row) => this.count(row, -1);
    for (const table of [this.contestants, this.votes, this.areaCodeState]) {
      database.addRelation(table, false);
      installDefaultProcedures(database, table);
      database.referencedTables.set(table.schema.name, table === this.votes ? 'Vote' : 'Initialize');
    }
    database.addRelation(new ComputedRelation(BY_PHONE, () => this.byPhone.entries().map(([phone, n]) => [BigInt(phone), BigInt(n)]), () => this.version), false);
    database.addRelation(
      new ComputedRelation(
        BY_CONTESTANT_STATE,
        () => [...this.byContestantState].flatMap(([contestant, states]) => [...states].map(([state, n]) => [contestant, state, BigInt(n)])),
        () => this.version,
      ),
      false,
    );
    for (const definition of this.procedures()) database.defineProcedure(definition, false);
    database.catalogChanged();
  }

  private count(row: readonly unknown[], delta: number): void {
    this.version++;
    this.byPhone.add(Number(row[0] as bigint), delta);
    const contestant = row[2] as number;
    const state = row[1] as string;
    let states = this.byContestantState.get(contestant);
    if (states === undefined) {
      states = new Map();
      this.byContestantState.set(contestant, states);
    }
    const next = (states.get(state) ?? 0) + delta;
    if (next === 0) states.delete(state);
    else states.set(state, next);
  }

  /** Total votes per contestant that has any. */
  private totals(): Map<number, number> {
    const totals = new Map<number, number>();
    for (const [contestant, states] of this.byContestantState) {
      let sum = 0;
      for (const n of states.values()) sum += n;
      if (sum > 0) totals.set(contestant, sum);
    }
    return totals;
  }

  initialize(call: ProcedureCall): ProcedureOutcome {
    const [max, names] = call.params as [number | null, string | null];
    return long(this.load(max ?? 0, names ?? '', call.name));
  }

  /**
   * Load the first `count` contestants of the example (and the area codes) as
   * `Initialize(count, names)` would, before any client connects — so that every process of
   * a per-process cluster holds the same replicated rows. Returns the contestants loaded.
   */
  seed(count: number): number {
    if (!Number.isInteger(count) || count < 1 || count > VOTER_CONTESTANT_NAMES.length) {
      throw new RangeError(`voter contestants must be an integer 1..${VOTER_CONTESTANT_NAMES.length}, got ${count}`);
    }
    return this.load(count, VOTER_CONTESTANT_NAMES.join(','), 'Initialize');
  }

  /** `Initialize`'s work: once only; a later call changes nothing and answers the existing count. */
  private load(count: number, names: string, procedure: string): number {
    const existing = this.contestants.rowCount();
    if (existing !== 0) return existing;
    const list = names.split(',');
    const scope = { partition: MP_PARTITION_ID, procedure };
    for (let i = 0; i < count; i++) {
      if (i >= list.length) throw unexpectedFailure(procedure, `java.lang.ArrayIndexOutOfBoundsException: Index ${i} out of bounds for length ${list.length}`);
      this.database.insertRow(this.contestants, [i + 1, list[i]!], scope);
    }
    for (const [code, state] of areaCodes()) this.database.insertRow(this.areaCodeState, [code, state], scope, true);
    return count;
  }

  vote(call: ProcedureCall): ProcedureOutcome {
    const phone = call.params[0] as bigint | null;
    const contestant = call.params[1] as number | null;
    const maxVotes = call.params[2] as bigint | null;
    if (phone === null || contestant === null || this.contestants.segments[0]!.find(contestant) < 0) return VOTE_INVALID_CONTESTANT;
    // Phone numbers are far below 2^53: plain number arithmetic, no bigint allocations.
    const phoneKey = Number(phone);
    if (maxVotes !== null && this.byPhone.get(phoneKey) >= Number(maxVotes)) return VOTE_OVER_LIMIT;
    const areas = this.areaCodeState.segments[0]!;
    const slot = areas.find(Math.trunc(phoneKey / 10_000_000));
    const state = slot < 0 ? 'XX' : (areas.value(slot, 1) as string);
    const row = [phone, state, contestant];
    if (!call.directed && call.partition !== MP_PARTITION_ID) {
      // The dispatcher hashed this very phone number to pick the partition: append directly.
      this.votes.segments[call.partition]!.append(row);
      this.count(row, 1);
    } else {
      this.database.insertRow(this.votes, row, { partition: call.partition, procedure: call.name });
    }
    return VOTE_ACCEPTED;
  }

  results(): ProcedureOutcome {
    const totals = this.totals();
    const names = this.contestants.segments[0]!;
    const rows: [string, number, bigint][] = [];
    for (const [contestant, total] of totals) {
      const slot = names.find(contestant);
      if (slot >= 0) rows.push([names.value(slot, 1) as string, contestant, BigInt(total)]);
    }
    rows.sort((a, b) => (b[2] > a[2] ? 1 : b[2] < a[2] ? -1 : a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
    return {
      tables: [
        toTableInput(
          resultSet(
            [
              { name: 'CONTESTANT_NAME', type: STRING },
              { name: 'CONTESTANT_NUMBER', type: INTEGER },
              { name: 'TOTAL_VOTES', type: BIGINT },
            ],
            rows,
          ),
        ),
      ],
    };
  }

  /** Per state: the leading contestant(s) and their votes; per contestant: total votes. */
  heatmap(): ProcedureOutcome {
    const byState = new Map<string, [number, number][]>();
    for (const [contestant, states] of this.byContestantState) {
      for (const [state, n] of states) {
        const list = byState.get(state) ?? [];
        list.push([contestant, n]);
        byState.set(state, list);
      }
    }
    const winners: unknown[][] = [];
    for (const [state, list] of [...byState].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const top = Math.max(...list.map(([, n]) => n));
      for (const [contestant, n] of list.filter(([, v]) => v === top).sort((a, b) => a[0] - b[0])) winners.push([state, contestant, BigInt(n)]);
    }
    const totals = [...this.totals()].sort((a, b) => a[0] - b[0]).map(([contestant, n]) => [contestant, BigInt(n)]);
    return {
      tables: [
        toTableInput(resultSet([{ name: 'STATE', type: STRING }, { name: 'CONTESTANT_NUMBER', type: INTEGER }, { name: 'NUM_VOTES', type: BIGINT }], winners)),
        toTableInput(resultSet([{ name: 'CONTESTANT_NUMBER', type: INTEGER }, { name: 'C2', type: BIGINT }], totals)),
      ],
    };
  }

  /** The states `contestant` leads, most votes first, at most `max`. */
  winningStates(call: ProcedureCall): ProcedureOutcome {
    const [contestant, max] = call.params as [number, number];
    const leaders = new Map<string, [number, number]>();
    for (const [c, states] of [...this.byContestantState].sort((a, b) => a[0] - b[0])) {
      for (const [state, n] of states) {
        const current = leaders.get(state);
        if (current === undefined || n > current[1]) leaders.set(state, [c, n]);
      }
    }
    const rows = [...leaders]
      .filter(([, [c]]) => c === contestant)
      .map(([state, [, n]]) => [state, BigInt(n)] as [string, bigint])
      .sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0))
      .slice(0, Math.max(0, max ?? 0));
    return { tables: [toTableInput(resultSet([{ name: 'state', type: STRING }, { name: 'num_votes', type: BIGINT }], rows))] };
  }

  private procedures(): ProcedureDefinition[] {
    const user = (name: string, parameterTypes: number[], readOnly: boolean, run: (call: ProcedureCall) => ProcedureOutcome, partitioned = false): ProcedureDefinition => ({
      name,
      kind: 'user',
      className: `voter.${name}`,
      parameterTypes,
      ...(partitioned ? { partitionParameter: 0, partitionParameterType: BIGINT, partitionColumnName: 'PHONE_NUMBER' } : {}),
      readOnly,
      transactional: true,
      run,
    });
    return [
      user('Initialize', [INTEGER, STRING], false, (call) => this.initialize(call)),
      user('Vote', [BIGINT, INTEGER, BIGINT], false, (call) => this.vote(call), true),
      user('Results', [], true, () => this.results()),
      user('GetStateHeatmap', [], true, () => this.heatmap()),
      user('ContestantWinningStates', [INTEGER, INTEGER], true, (call) => this.winningStates(call)),
    ];
  }
}
