/** Number formatting shared by the console table, the HTML report and the charts. */

/** A duration given in milliseconds, in the unit that keeps 3 significant digits readable. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1e-3) return `${significant(ms * 1e6)} ns`;
  if (ms < 1) return `${significant(ms * 1e3)} µs`;
  if (ms < 1000) return `${significant(ms)} ms`;
  return `${significant(ms / 1000)} s`;
}

/** 3 significant digits, with k / M / G for large values. */
export function formatCount(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${significant(value / 1e9)}G`;
  if (abs >= 1e6) return `${significant(value / 1e6)}M`;
  if (abs >= 1e4) return `${significant(value / 1e3)}k`;
  return significant(value);
}

export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${significant(ratio)}×`;
}

export function significant(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toString();
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20) return `${significant(bytes / (1 << 20))} MiB`;
  if (bytes >= 1 << 10) return `${significant(bytes / (1 << 10))} KiB`;
  return `${bytes} B`;
}
