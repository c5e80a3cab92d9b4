/**
 * Relations SELECT reads that store nothing (store.ts holds the stored tables): a
 * {@link GeneratedTable} computes each row from its index (analytics `EVENTS`), a
 * {@link ComputedRelation} recomputes its rows when its source changes (voter's views).
 */
import type { TableSchema } from './column-types.js';
import type { Relation } from './store.js';

/** Rows computed by a function of the row index (analytics `EVENTS`): nothing is stored. */
export class GeneratedTable implements Relation {
  readonly writable = false;
  readonly segmentCount = 1;

  constructor(
    readonly schema: TableSchema,
    private readonly count: () => number,
    private readonly generate: (index: number) => unknown[],
    private readonly cell: (index: number, column: number) => unknown,
    readonly sequentialKey?: { column: number; base: number },
  ) {}

  segmentOf(): number {
    return -1;
  }

  slots(): number {
    return this.count();
  }

  live(_segment: number, slot: number): boolean {
    return slot < this.count();
  }

  value(_segment: number, slot: number, column: number): unknown {
    return this.cell(slot, column);
  }

  row(_segment: number, slot: number): unknown[] {
    return this.generate(slot);
  }

  rowCount(): number {
    return this.count();
  }
}

/** A read-only relation whose rows are recomputed when `version()` changes (voter's views). */
export class ComputedRelation implements Relation {
  readonly writable = false;
  readonly segmentCount = 1;
  private cached: unknown[][] = [];
  private cachedVersion = -1;

  constructor(
    readonly schema: TableSchema,
    private readonly compute: () => unknown[][],
    private readonly version: () => number,
  ) {}

  private rows(): unknown[][] {
    const version = this.version();
    if (version !== this.cachedVersion) {
      this.cached = this.compute();
      this.cachedVersion = version;
    }
    return this.cached;
  }

  segmentOf(): number {
    return -1;
  }

  slots(): number {
    return this.rows().length;
  }

  live(_segment: number, slot: number): boolean {
    return slot < this.rows().length;
  }

  value(_segment: number, slot: number, column: number): unknown {
    return this.rows()[slot]![column];
  }

  row(_segment: number, slot: number): unknown[] {
    return [...this.rows()[slot]!];
  }

  rowCount(): number {
    return this.rows().length;
  }
}
