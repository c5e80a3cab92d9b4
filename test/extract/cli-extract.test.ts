/**
 * `voltwire extract` run in-process against the embedded server: writes the file, prints the
 * summary, shows progress lines on a non-terminal, passes the CSV and strategy options through.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { extractCommand } from '../../src/cli/extract.js';
import type { CliContext } from '../../src/cli/context.js';
import * as extractApi from '../../src/extract/index.js';
import type { EmbeddedServer } from '../../src/server/index.js';
import { arrowRows, assertArrowSchema, parseCsv } from './readback.js';
import { EVENTS_P_PAGE, startExtractServer } from './support.js';

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** A terminal, as far as cli-progress is concerned. */
class Terminal extends Capture {
  override isTTY = true;
  columns = 120;
  cursorTo(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  clearScreenDown(): boolean {
    return true;
  }
}

async function run(server: EmbeddedServer, args: string[], stderr: Capture = new Capture()): Promise<{ ctx: CliContext; stdout: Capture; stderr: Capture }> {
  const stdout = new Capture();
  const ctx: CliContext = { stdout, stderr, env: {}, exitCode: 0 };
  const command = extractCommand(ctx).exitOverride();
  await command.parseAsync([...args, '--servers', server.address], { from: 'user' });
  return { ctx, stdout, stderr };
}

describe('voltwire extract', () => {
  let server: EmbeddedServer;
  let dir: string;
  before(async () => {
    server = await startExtractServer(12_000);
    dir = mkdtempSync(join(tmpdir(), 'voltwire-extract-cli-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--table EVENTS --format arrow --out FILE', async () => {
    const out = join(dir, 'events.arrow');
    const { stdout, stderr, ctx } = await run(server, ['--table', 'EVENTS', '--format', 'arrow', '--out', out, '--concurrency', '2', '--batch-rows', '6000']);
    assert.equal(ctx.exitCode, 0);
    assert.match(stdout.text, /^wrote 12,000 rows \(\d+\.\d (KiB|MiB) arrow\) to .*events\.arrow in 0:\d\d .* key-range, 2 lanes\n$/);
    assert.match(stderr.text, /12,000\/12,000 rows \| .* rows\/s \| .* (B|KiB|MiB|GiB)\/s \| ranges 2\/2 \| ETA 0:00/);
    const { rows, schema } = arrowRows(out);
    assertArrowSchema(schema);
    assert.equal(rows.length, 12_000);
  });

  test('CSV options, --where with --param, --by partition with a page procedure, --no-progress', async () => {
    const csv = join(dir, 'events.csv');
    const { stderr } = await run(server, ['--table', 'EVENTS', '--out', csv, '--columns', 'ID,NAME,TINY', '--where', 'ID <= ?', '--param', '100', '--types', 'BIGINT', '--delimiter', 'tab', '--null-text', 'NULL', '--lf', '--no-header', '--binary', 'base64', '--no-progress']);
    assert.equal(stderr.text, '');
    const records = parseCsv(readFileSync(csv, 'utf8'), '\t');
    assert.equal(records.length, 100);
    assert.equal(records[5]![2]!.text, 'NULL');
    const arrows = join(dir, 'events.arrows');
    const partitioned = await run(server, ['--table', 'EVENTS_P', '--procedure', EVENTS_P_PAGE, '--by', 'partition', '--out', arrows, '--batch-rows', '500', '--decode-workers', '0']);
    assert.match(partitioned.stdout.text, /partition, 8 partitions/);
    assert.equal(arrowRows(arrows).rows.length, 12_000);
  });

  test('on a terminal: a cli-progress bar with rows, bytes/s, partitions done of total and ETA', async () => {
    const out = join(dir, 'tty.ndjson');
    const terminal = new Terminal();
    await run(server, ['--table', 'EVENTS_P', '--procedure', EVENTS_P_PAGE, '--out', out, '--batch-rows', '500'], terminal);
    assert.match(terminal.text, /[█░]{24} +\d+% \| [\d,]+\/12,000 rows \| [\d,]+ rows\/s \| [\d.]+ (B|KiB|MiB|GiB)\/s \| partitions \d\/8 \| ETA /);
    assert.equal(readFileSync(out, 'utf8').split('\n').length, 12_001);
  });

  test('a failure propagates (the CLI reports it) and the file is removed', async () => {
    const out = join(dir, 'bad.ndjson');
    await assert.rejects(run(server, ['--table', 'NOPE', '--out', out]), /table NOPE not found/);
    assert.equal(existsSync(out), false);
  });

  test('the package entry exports the extraction API', () => {
    assert.equal(typeof extractApi.extract, 'function');
    assert.equal(typeof extractApi.extractTo, 'function');
    assert.deepEqual(extractApi.EXTRACT_FORMATS, ['arrow', 'arrow-stream', 'parquet', 'csv', 'ndjson']);
  });
});
