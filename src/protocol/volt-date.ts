/**
 * DATE (type 12, newer servers only): a calendar day with no time and no time zone.
 *
 * Wire (PROTOCOL.md 4.2): i32 `(year << 16) | (month << 8) | day`; NULL is i32 min. JS `Date`
 * is an instant, not a day, so a DATE decodes to this small value class instead; it converts
 * to and from a `Date` at UTC midnight and to and from `YYYY-MM-DD` text.
 */

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export class VoltDate {
  /** Year (0..32767, the range the packed form can hold), month 1..12, day 1..31. */
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}

  /** The UTC calendar day of `date`. */
  static fromDate(date: Date): VoltDate {
    return new VoltDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
  }

  /** Parse `YYYY-MM-DD`; returns undefined for any other text or an impossible day. */
  static parse(text: string): VoltDate | undefined {
    const match = /^(\d{4,5})-(\d{2})-(\d{2})$/.exec(text);
    if (match === null) return undefined;
    const date = new VoltDate(Number(match[1]), Number(match[2]), Number(match[3]));
    return isValidDay(date.year, date.month, date.day) ? date : undefined;
  }

  /** Unpack the wire's i32 (not the NULL sentinel). */
  static unpack(packed: number): VoltDate {
    return new VoltDate(packed >> 16, (packed >> 8) & 0xff, packed & 0xff);
  }

  /** The wire's packed i32. */
  pack(): number {
    return (this.year << 16) | (this.month << 8) | this.day;
  }

  /** Midnight UTC of this day. */
  toDate(): Date {
    const date = new Date(Date.UTC(2000, this.month - 1, this.day));
    date.setUTCFullYear(this.year); // Date.UTC maps years 0..99 to 1900..1999
    return date;
  }

  /** `YYYY-MM-DD` (ISO 8601). */
  toString(): string {
    return `${String(this.year).padStart(4, '0')}-${String(this.month).padStart(2, '0')}-${String(this.day).padStart(2, '0')}`;
  }

  toJSON(): string {
    return this.toString();
  }

  equals(other: { year: number; month: number; day: number }): boolean {
    return this.year === other.year && this.month === other.month && this.day === other.day;
  }
}

/** True when year/month/day are integers naming a real (proleptic Gregorian) day, year 0..32767. */
export function isValidDay(year: unknown, month: unknown, day: unknown): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  const y = year as number;
  const m = month as number;
  const d = day as number;
  if (y < 0 || y > 0x7fff || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!);
}
