/**
 * NDJSON: one JSON object per row, `{"COLUMN":value,…}\n`, columns in order. TINYINT,
 * SMALLINT, INTEGER and finite FLOAT are JSON numbers; BIGINT and DECIMAL are strings (a JSON
 * number loses digits past 2^53 in most readers); TIMESTAMP is ISO-8601 with microseconds;
 * VARBINARY hex (or base64); geography WKT; `NaN`/`Infinity` FLOATs are strings; NULL is `null`
 * (`cellJson` in src/decode/value-text.ts, which `query --json` uses too).
 */
import type { ExtractBatch } from '../batch.js';
import { sameColumns, type BatchWriter } from './batch-writer.js';
import type { ColumnInfo } from '../../decode/column.js';
import type { ByteSink } from './file-sink.js';
import { TextChunks } from './text-output.js';
import { cellJson, type BinaryText } from '../../decode/value-text.js';

export interface NdjsonOptions {
  /** VARBINARY as `'hex'` (default) or `'base64'`. */
  binary?: BinaryText;
}

export class NdjsonWriter implements BatchWriter {
  private schema: readonly ColumnInfo[] | null = null;
  private readonly binary: BinaryText;
  private readonly out = new TextChunks();

  constructor(
    private readonly sink: ByteSink,
    options: NdjsonOptions = {},
  ) {
    this.binary = options.binary ?? 'hex';
  }

  get bytesWritten(): number {
    return this.sink.bytesWritten;
  }

  async write(batch: ExtractBatch): Promise<void> {
    this.schema = sameColumns(this.schema, batch);
    const columns = batch.columns;
    const texts = columns.map((c) => cellJson(c, this.binary));
    // `{"ID":` then `,"NAME":` …: the keys are escaped once per batch.
    const keys = columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
    const width = columns.length;
    for (let r = 0; r < batch.rowCount; r++) {
      let line = width === 0 ? '{' : '';
      for (let c = 0; c < width; c++) {
        line += keys[c]! + texts[c]!(r);
      }
      this.out.add(line + '}\n');
    }
    await this.sink.write(this.out.take());
  }

  async finish(): Promise<void> {
    await this.sink.close();
  }

  abort(): Promise<void> {
    return this.sink.abort();
  }
}
