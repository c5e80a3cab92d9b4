/**
 * The self-contained HTML report: inline CSS, inline SVG charts, no script and no external
 * request, so a browser opens it straight from disk (`file://`). The full JSON is embedded
 * too (`<script type="application/json">`, inert), so the page is the complete record.
 */
import { orderResults } from './console-table.js';
import { formatBytes, formatCount, formatDuration, formatRatio } from './format.js';
import { escapeXml, renderSuiteChart } from './svg-chart.js';
import type { Report, Result } from './types.js';

export const HOW_TO_READ =
  'Each chart is one suite. Every group of bars is one dataset; inside a group each strategy keeps its colour and ' +
  'position, so you read across strategies within a group, and along one colour across datasets. Bar length is ' +
  'throughput (MB/s of input bytes, or calls/s for end-to-end) — longer is faster; the axis is logarithmic when the ' +
  'values span orders of magnitude, so equal steps are equal ratios. The grey bar is Buffer.copy of the same bytes, ' +
  'measured in the same run: the memory-bandwidth ceiling of this machine; the “× copy time” label says how many ' +
  'times longer than that copy a strategy took (below 1× means it did not touch every byte: a lazy view reads ' +
  'headers only until asked). A red “wrong output” row is a strategy whose result differed from ' +
  'the reference decoder: it is never timed, so it cannot win.';

const CSS = `
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: .3rem; }
h3 { font-size: 1rem; margin: 1.4rem 0 .4rem; }
table { border-collapse: collapse; font-size: .85rem; margin-bottom: .6rem; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th:first-child, td:first-child, td.reason { text-align: left; }
td.reason { white-space: normal; max-width: 28rem; color: #555; }
tr.failed td, tr.error td { color: #c62828; } tr.skipped td { color: #888; } tr.baseline td { color: #666; font-style: italic; }
.notes { background: #fff8e1; border: 1px solid #ffe082; padding: .6rem 1rem; border-radius: 4px; }
.chart { overflow-x: auto; } .chart svg { max-width: 100%; height: auto; }
dl { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; font-size: .9rem; } dt { color: #666; }
`;

function resultRow(result: Result): string {
  const t = result.timing;
  const cls = result.baseline ? 'baseline' : result.status;
  const units = result.work.units === undefined || t?.unitsPerSecond === undefined ? '—' : `${formatCount(t.unitsPerSecond)} ${result.work.units.name}/s`;
  const metrics = result.metrics === undefined ? '' : Object.entries(result.metrics).map(([k, v]) => `${k} ${formatCount(v)}`).join(', ');
  const reason = [result.reason ?? '', metrics].filter((s) => s !== '').join(' · ');
  const cells = [
    escapeXml(result.strategy),
    formatDuration(t?.mean),
    formatDuration(t?.p50),
    formatDuration(t?.p99),
    formatCount(t?.opsPerSecond),
    formatCount(t?.mbPerSecond),
    units,
    formatRatio(result.vsCopy),
    t === undefined ? '—' : `±${t.rme.toFixed(1)}%`,
    result.baseline ? 'reference' : result.status,
  ];
  return `<tr class="${cls}">${cells.map((c) => `<td>${c}</td>`).join('')}<td class="reason">${escapeXml(reason)}</td></tr>`;
}

function datasetTable(results: Result[]): string {
  const head = ['strategy', 'mean', 'p50', 'p99', 'ops/s', 'MB/s', 'units/s', '× copy', 'rme', 'check', 'notes'];
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${orderResults(results).map(resultRow).join('')}</tbody></table>`;
}

export function renderHtmlReport(report: Report): string {
  const m = report.machine;
  const o = report.options;
  const facts: [string, string][] = [
    ['Node / V8', `${m.node} / ${m.v8}`],
    ['CPU', `${m.cpuModel} — ${m.cores} cores (available parallelism ${m.availableParallelism})`],
    ['Platform', `${m.platform} ${m.arch}, ${formatBytes(m.totalMemoryBytes)} RAM`],
    ['Load average (1 min)', `${m.loadAverageStart.toFixed(2)} at start, ${m.loadAverageEnd.toFixed(2)} at end`],
    ['Run', `${report.startedAt} → ${report.finishedAt}`],
    ['Command', report.command === '' ? '—' : report.command],
    ['Profile', `${o.profile}: ${o.timeMs} ms per task after ${o.warmupMs} ms warm-up, at least ${o.iterations} iterations`],
    ['GC before each task', m.gcExposed ? `yes, ${o.gc} (--expose-gc)` : 'no (global.gc not exposed)'],
    ['tinybench', m.tinybench],
  ];
  const sections: string[] = [];
  for (const suite of report.suites) {
    const ofSuite = report.results.filter((r) => r.suite === suite.name);
    const chart = renderSuiteChart(report, suite.name);
    const tables = [...new Set(ofSuite.map((r) => r.dataset))].map((dataset) => {
      const results = ofSuite.filter((r) => r.dataset === dataset);
      const info = report.datasets.find((d) => d.name === dataset);
      const bytes = results[0]?.work.bytes ?? 0;
      return `<h3>${escapeXml(dataset)} <small>(${formatBytes(bytes)} per iteration${info === undefined ? '' : ` — ${escapeXml(info.description)}`})</small></h3>${datasetTable(results)}`;
    });
    const strategies = report.strategies
      .filter((s) => s.suite === suite.name)
      .map((s) => `<dt>${escapeXml(s.name)}</dt><dd>${escapeXml(s.description)}</dd>`)
      .join('');
    sections.push(
      `<h2 id="${escapeXml(suite.name)}">${escapeXml(suite.name)}</h2><p>${escapeXml(suite.description)}</p>` +
        `<div class="chart">${chart?.svg ?? '<p>No timed results.</p>'}</div>` +
        `<details><summary>Strategies</summary><dl>${strategies}</dl></details>${tables.join('\n')}`,
    );
  }
  const notes = [...report.notes, ...report.loadErrors.map((e) => `Not loaded: ${e.file} — ${e.error}`)];
  const json = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>voltwire benchmarks — ${escapeXml(report.startedAt)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head>
<body>
<h1>voltwire benchmarks</h1>
<dl>${facts.map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd>`).join('')}</dl>
${notes.length === 0 ? '' : `<div class="notes">${notes.map((n) => `<p>${escapeXml(n)}</p>`).join('')}</div>`}
<h2>How to read this report</h2><p>${escapeXml(HOW_TO_READ)}</p>
<p>Suites: ${report.suites.map((s) => `<a href="#${escapeXml(s.name)}">${escapeXml(s.name)}</a>`).join(' · ')}</p>
${sections.join('\n')}
<script type="application/json" id="report-data">${json}</script>
</body></html>
`;
}
