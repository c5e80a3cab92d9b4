/**
 * Screenshot the benchmark report (or a chart SVG) with a headless Chromium, to check that it
 * renders as a browser shows it. Optional tooling, not part of `npm test`:
 *
 *   npx tsc -p . && node dist/scripts/render-bench-chart.js [INPUT] [OUTPUT.png] [--width W] [--height H]
 *
 * INPUT defaults to bench/out/report.html, OUTPUT to INPUT with `.png`. Needs
 * /usr/bin/chromium (Debian: `apt-get install -y chromium`); without it, says so and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { REPOSITORY_ROOT } from '../bench/harness/repository.js';

const CHROMIUM = '/usr/bin/chromium';

function main(): number {
  const { values, positionals } = parseArgs({
    options: { width: { type: 'string', default: '1200' }, height: { type: 'string', default: '900' } },
    allowPositionals: true,
  });
  const input = resolve(positionals[0] ?? join(REPOSITORY_ROOT, 'bench', 'out', 'report.html'));
  const output = resolve(positionals[1] ?? input.replace(/\.(html|svg)$/, '') + '.png');
  if (!existsSync(CHROMIUM)) {
    console.log(`render-bench-chart: ${CHROMIUM} not found (apt-get install -y chromium); nothing rendered`);
    return 0;
  }
  if (!existsSync(input)) {
    console.error(`render-bench-chart: ${input} not found; run npm run bench -- --quick first`);
    return 1;
  }
  const profile = mkdtempSync(join(tmpdir(), 'voltwire-chromium-'));
  try {
    const result = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${output}`,
        `--window-size=${Number(values.width)},${Number(values.height)}`,
        pathToFileURL(input).href,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (result.status !== 0 || !existsSync(output) || statSync(output).size === 0) {
      console.error(`render-bench-chart: chromium failed (status ${result.status})\n${result.stderr}`);
      return 1;
    }
    console.log(`render-bench-chart: ${output} (${statSync(output).size} bytes)`);
    return 0;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

process.exit(main());
