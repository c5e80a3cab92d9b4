/**
 * Bar charts as plain SVG text: no library, no script, so the same markup works inline in the
 * HTML report and as a standalone `.svg` file (docs/bench-chart.svg).
 *
 * One chart per suite. Each dataset is a group; inside it every strategy has a bar in the
 * same position and colour, so strategies sit side by side and read across datasets. The
 * grey bar is `Buffer.copy` of the same bytes in the same run — the machine's ceiling.
 * When the values span more than ~1.3 orders of magnitude the axis is logarithmic (ticks at
 * powers of ten), otherwise linear from zero. A strategy whose output was wrong has no bar:
 * its row says so in red.
 */
import { formatBytes, formatCount, formatDuration, formatRatio } from './format.js';
import type { Report, Result } from './types.js';

const WIDTH = 1000;
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 170;
const BAR_HEIGHT = 13;
const BAR_GAP = 4;
const GROUP_GAP = 12;
const GROUP_HEADER = 18;
const AXIS_HEIGHT = 22;
const LOG_SPAN = 20;
/** About this many characters of 11px text fit the chart's width. */
const DESCRIPTION_CHARS = 160;
const COPY_COLOUR = '#9e9e9e';
const PALETTE = [
  '#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7',
  '#9c755f', '#2f4b7c', '#86bc86', '#d4a6c8', '#1b9e77', '#d95f02', '#7570b3', '#e7298a',
];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The charted value of a result: MB/s, or units per second for suites that count units. */
export function chartValue(result: Result, metric: 'MB/s' | 'units/s'): number | undefined {
  const timing = result.timing;
  if (timing === undefined || result.status !== 'ok') return undefined;
  const value = metric === 'MB/s' ? timing.mbPerSecond : timing.unitsPerSecond;
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

interface Scale {
  log: boolean;
  min: number;
  max: number;
  ticks: number[];
  x(value: number): number;
}

export function makeScale(values: number[], left: number, right: number): Scale {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const low = positive.length > 0 ? Math.min(...positive) : 1;
  const high = positive.length > 0 ? Math.max(...positive) : 10;
  if (high / low >= LOG_SPAN) {
    const min = 10 ** Math.floor(Math.log10(low));
    const max = 10 ** Math.ceil(Math.log10(high));
    const ticks: number[] = [];
    for (let tick = min; tick <= max * 1.0001; tick *= 10) ticks.push(tick);
    const span = Math.log10(max) - Math.log10(min);
    return { log: true, min, max, ticks, x: (v) => left + ((Math.log10(Math.max(v, min)) - Math.log10(min)) / span) * (right - left) };
  }
  const step = niceStep(high / 5);
  const max = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let tick = 0; tick <= max + step / 2; tick += step) ticks.push(tick);
  return { log: false, min: 0, max, ticks, x: (v) => left + (v / max) * (right - left) };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  if (fraction <= 1) return power;
  if (fraction <= 2) return 2 * power;
  if (fraction <= 5) return 5 * power;
  return 10 * power;
}

/** Split `text` at spaces into lines of at most `width` characters (a longer word gets its own line). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

export interface SuiteChart {
  svg: string;
  width: number;
  height: number;
}

/** Strategy names of a suite in registration order, `Buffer.copy` first: the bar order in every group. */
function strategyOrder(report: Report, suite: string, results: Result[]): string[] {
  const names = report.strategies.filter((s) => s.suite === suite).map((s) => s.name);
  for (const r of results) if (!names.includes(r.strategy) && !r.baseline) names.push(r.strategy);
  return names;
}

/** The chart body of one suite, drawn from y = 0, as SVG elements (no `<svg>` wrapper). */
function suiteElements(report: Report, suiteName: string): { body: string; height: number } | undefined {
  const suite = report.suites.find((s) => s.name === suiteName);
  if (suite === undefined) return undefined;
  const results = report.results.filter((r) => r.suite === suiteName && r.status !== 'skipped' && r.dataset !== '*');
  if (results.length === 0) return undefined;
  const withCopy = suite.metric === 'MB/s';
  const order = strategyOrder(report, suiteName, results);
  const colour = new Map(order.map((name, i) => [name, PALETTE[i % PALETTE.length]!]));
  const datasets = [...new Set(results.map((r) => r.dataset))];
  const values = results.filter((r) => withCopy || !r.baseline).map((r) => chartValue(r, suite.metric)).filter((v): v is number => v !== undefined);
  const left = LABEL_WIDTH;
  const right = WIDTH - VALUE_WIDTH;
  const scale = makeScale(values, left, right);
  const unit = suite.metric === 'MB/s' ? 'MB/s' : (results.find((r) => r.work.units !== undefined)?.work.units?.name ?? 'units') + '/s';

  const parts: string[] = [];
  let y = 0;
  parts.push(`<text x="0" y="${y + 16}" class="title">${escapeXml(suite.name)} — ${escapeXml(unit)}${scale.log ? ' (log scale)' : ''}, longer is faster</text>`);
  y += 24;
  for (const line of wrapText(suite.description, DESCRIPTION_CHARS)) {
    parts.push(`<text x="0" y="${y + 10}" class="note">${escapeXml(line)}</text>`);
    y += 14;
  }
  y += 6;
  const axisTop = y;
  y += AXIS_HEIGHT;
  const rows: string[] = [];
  for (const dataset of datasets) {
    const ofDataset = results.filter((r) => r.dataset === dataset);
    const bytes = ofDataset[0]?.work.bytes ?? 0;
    rows.push(`<text x="0" y="${y + 13}" class="group">${escapeXml(dataset)}<tspan class="note"> · ${formatBytes(bytes)} per iteration</tspan></text>`);
    y += GROUP_HEADER;
    const ordered = [
      ...(withCopy ? ofDataset.filter((r) => r.baseline) : []),
      ...order.map((name) => ofDataset.find((r) => r.strategy === name && !r.baseline)).filter((r): r is Result => r !== undefined),
    ];
    for (const result of ordered) {
      rows.push(barRow(result, y, scale, result.baseline ? COPY_COLOUR : colour.get(result.strategy)!, suite.metric));
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += GROUP_GAP;
  }
  const axisBottom = y;
  parts.push(axis(scale, axisTop, axisBottom));
  parts.push(...rows);
  return { body: parts.join('\n'), height: axisBottom + 8 };
}

function barRow(result: Result, y: number, scale: Scale, fill: string, metric: 'MB/s' | 'units/s'): string {
  const label = `<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT - 2}" class="label" text-anchor="end">${escapeXml(result.strategy)}</text>`;
  const value = chartValue(result, metric);
  if (value === undefined) {
    const why = missingText(result);
    const title = `<title>${escapeXml(result.reason ?? why)}</title>`;
    return `${label}<text x="${LABEL_WIDTH + 4}" y="${y + BAR_HEIGHT - 2}" class="failed">${title}${escapeXml(why)}</text>`;
  }
  const x1 = scale.x(value);
  const width = Math.max(1, x1 - LABEL_WIDTH);
  const text = `${formatCount(value)} · ${barNote(result, metric)}`;
  const title = `<title>${escapeXml(`${result.strategy}: ${formatCount(value)} ${metric}, mean ${result.timing?.mean.toPrecision(3)} ms, p99 ${result.timing?.p99.toPrecision(3)} ms`)}</title>`;
  return (
    `${label}<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${fill}">${title}</rect>` +
    `<text x="${(x1 + 5).toFixed(1)}" y="${y + BAR_HEIGHT - 2}" class="value">${escapeXml(text)}</text>`
  );
}

/** After the value: the copy ratio (throughput suites) or the per-call latency (call suites). */
function barNote(result: Result, metric: 'MB/s' | 'units/s'): string {
  if (result.baseline) return 'reference';
  const p50 = result.metrics?.['call p50 ms'];
  const p99 = result.metrics?.['call p99 ms'];
  if (metric === 'units/s' && p50 !== undefined && p99 !== undefined) return `call p50 ${formatDuration(p50)}, p99 ${formatDuration(p99)}`;
  return `${formatRatio(result.vsCopy)} copy time`;
}

function missingText(result: Result): string {
  if (result.status === 'failed') return '✗ wrong output, not timed';
  if (result.status === 'ok') return 'no timing';
  return `✗ ${result.status}`;
}

function axis(scale: Scale, top: number, bottom: number): string {
  const parts: string[] = [];
  for (const tick of scale.ticks) {
    const x = scale.x(tick).toFixed(1);
    parts.push(`<line x1="${x}" y1="${top + AXIS_HEIGHT - 4}" x2="${x}" y2="${bottom}" class="grid"/>`);
    parts.push(`<text x="${x}" y="${top + 12}" class="tick" text-anchor="middle">${formatCount(tick)}</text>`);
  }
  return parts.join('\n');
}

const STYLE = `<style>
text { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; font-size: 11px; fill: #222; }
.title { font-size: 15px; font-weight: 600; }
.group { font-size: 12px; font-weight: 600; }
.note { font-size: 11px; fill: #666; font-weight: 400; }
.tick { fill: #666; font-size: 10px; }
.value { fill: #333; font-size: 10px; }
.failed { fill: #c62828; font-weight: 600; }
.grid { stroke: #e3e3e3; stroke-width: 1; }
</style>`;

/** One suite's chart as a standalone `<svg>` element (inline in HTML or saved as a file). */
export function renderSuiteChart(report: Report, suiteName: string): SuiteChart | undefined {
  const elements = suiteElements(report, suiteName);
  if (elements === undefined) return undefined;
  const height = Math.ceil(elements.height);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(suiteName)} benchmark chart">\n` +
    `${STYLE}\n<rect width="100%" height="100%" fill="#fff"/>\n${elements.body}\n</svg>`;
  return { svg, width: WIDTH, height };
}

/** Every suite of a report stacked in one standalone SVG, with the machine line at the top. */
export function renderReportChart(report: Report, suites = report.suites.map((s) => s.name)): string {
  const m = report.machine;
  const header =
    `voltwire bench · Node ${m.node} · ${m.cpuModel} · ${m.cores} cores · load ${m.loadAverageStart.toFixed(2)}→${m.loadAverageEnd.toFixed(2)} · ` +
    `profile ${report.options.profile} · ${report.startedAt.slice(0, 10)}`;
  const parts = [`<text x="0" y="14" class="note">${escapeXml(header)}</text>`];
  let y = 30;
  for (const name of suites) {
    const elements = suiteElements(report, name);
    if (elements === undefined) continue;
    parts.push(`<g transform="translate(0 ${y})">\n${elements.body}\n</g>`);
    y += Math.ceil(elements.height) + 24;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-10 0 ${WIDTH + 20} ${y}" width="${WIDTH + 20}" height="${y}" role="img" aria-label="voltwire benchmark chart">\n` +
    `${STYLE}\n<rect x="-10" width="${WIDTH + 20}" height="${y}" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`
  );
}
