/**
 * The JS row values the columnar side builds itself. The row view reads values through the
 * protocol's `readValue`, the one single-value implementation; the conversions here reuse its
 * helpers so a column and a row can never disagree (the equivalence tests hold them to that).
 */
import { VoltDate } from '../protocol/volt-date.js';

export { timestampToDate, type TimestampMode } from '../protocol/value-reader.js';

/** DATE → its row value, a {@link VoltDate} (as `readValue` gives). */
export function dateValue(year: number, month: number, day: number): VoltDate {
  return new VoltDate(year, month, day);
}
