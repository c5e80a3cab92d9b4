/**
 * Text formats build rows as JS strings; `TextChunks` turns them into UTF-8 buffers of about
 * 1 MiB, so a writer hands the sink a few large chunks per batch instead of one per row.
 */
import { Buffer } from 'node:buffer';
const CHUNK_CHARS = 1 << 20;

export class TextChunks {
  private text = '';
  private chunks: Buffer[] = [];

  add(line: string): void {
    this.text += line;
    if (this.text.length >= CHUNK_CHARS) {
      this.chunks.push(Buffer.from(this.text, 'utf8'));
      this.text = '';
    }
  }

  /** Everything added since the last `take()`. */
  take(): Buffer[] {
    if (this.text !== '') {
      this.chunks.push(Buffer.from(this.text, 'utf8'));
      this.text = '';
    }
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
}
