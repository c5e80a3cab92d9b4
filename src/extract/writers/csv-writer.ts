/**
 * CSV (RFC 4180): a header row of column names, then one record per row. A field is quoted
 * (`"…"`, inner quotes doubled) when it holds the delimiter, a quote, CR or LF, when it is empty
 * (so an empty string `""` differs from NULL) and when it equals the NULL text. NULL is written
 * as `nullText` (default: nothing). Records end with CRLF as the RFC says (`newline: '\n'` for
 * Unix tools). Values: see src/decode/value-text.ts.
 */
import { ParameterError } from '../../errors.js';
import type { ExtractBatch } from '../batch.js';
import { sameColumns, type BatchWriter } from './batch-writer.js';
import type { ColumnInfo } from '../../decode/column.js';
import type { ByteSink } from './file-sink.js';
import { TextChunks } from './text-output.js';
import { cellText, isNumeric, type BinaryText } from '../../decode/value-text.js';

/** How `extractTo` writes CSV: delimiter, NULL text, header, line ending and VARBINARY encoding. */
export interface CsvOptions {
  /** One character other than `"`, CR or LF. Default `,`. */
  delimiter?: string;
  /** Text written for NULL. Default `''` (an empty, unquoted field). */
  nullText?: string;
  /** Write the header row. Default true. */
  header?: boolean;
  /** Record separator. Default `'\r\n'` (RFC 4180). */
  newline?: '\r\n' | '\n';
  /** VARBINARY as `'hex'` (default) or `'base64'`. */
  binary?: BinaryText;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');
}

export class CsvWriter implements BatchWriter {
  private schema: readonly ColumnInfo[] | null = null;
  private readonly delimiter: string;
  private readonly nullText: string;
  private readonly newline: string;
  private readonly binary: BinaryText;
  private headerPending: boolean;
  private readonly special: RegExp;
  /** Numbers never need quotes unless the delimiter could appear in one. */
  private readonly numbersSafe: boolean;
  private readonly out = new TextChunks();

  constructor(
    private readonly sink: ByteSink,
    options: CsvOptions = {},
  ) {
    const delimiter = options.delimiter ?? ',';
    if (typeof delimiter !== 'string' || [...delimiter].length !== 1 || /["\r\n]/.test(delimiter)) {
      throw new ParameterError(`extract: csv delimiter must be one character other than a quote, CR or LF, got ${JSON.stringify(delimiter)}`, { procedure: 'extract' });
    }
    const newline = options.newline ?? '\r\n';
    if (newline !== '\r\n' && newline !== '\n') throw new ParameterError(`extract: csv newline must be '\\r\\n' or '\\n', got ${JSON.stringify(newline)}`, { procedure: 'extract' });
    this.delimiter = delimiter;
    this.nullText = options.nullText ?? '';
    if (typeof this.nullText !== 'string' || /["\r\n]/.test(this.nullText) || this.nullText.includes(delimiter)) {
      throw new ParameterError(`extract: csv nullText must not contain a quote, CR, LF or the delimiter, got ${JSON.stringify(this.nullText)}`, { procedure: 'extract' });
    }
    this.newline = newline;
    this.binary = options.binary ?? 'hex';
    this.headerPending = options.header ?? true;
    this.special = new RegExp(`[${escapeRegExp(delimiter)}"\\r\\n]`);
    this.numbersSafe = !/[-+.0-9A-Za-z]/.test(delimiter);
  }

  get bytesWritten(): number {
    return this.sink.bytesWritten;
  }

  /** One field, quoted when RFC 4180 (or NULL-vs-empty) needs it. */
  field(text: string): string {
    if (text === '' || text === this.nullText || this.special.test(text)) return `"${text.replaceAll('"', '""')}"`;
    return text;
  }

  async write(batch: ExtractBatch): Promise<void> {
    this.schema = sameColumns(this.schema, batch);
    const columns = batch.columns;
    if (this.headerPending) {
      this.headerPending = false;
      this.out.add(columns.map((c) => this.field(c.name)).join(this.delimiter) + this.newline);
    }
    const texts = columns.map((c) => cellText(c, this.binary));
    const plain = columns.map((c) => this.numbersSafe && isNumeric(c.type));
    const { delimiter, nullText, newline } = this;
    const width = columns.length;
    for (let r = 0; r < batch.rowCount; r++) {
      let line = '';
      for (let c = 0; c < width; c++) {
        if (c > 0) line += delimiter;
        const text = texts[c]!(r);
        line += text === null ? nullText : plain[c] ? text : this.field(text);
      }
      this.out.add(line + newline);
    }
    await this.sink.write(this.out.take());
  }

  async finish(): Promise<void> {
    await this.sink.write(this.out.take());
    await this.sink.close();
  }

  abort(): Promise<void> {
    return this.sink.abort();
  }
}
