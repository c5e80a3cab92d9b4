import { test, type TestContext } from 'node:test';
import { CommanderError, InvalidArgumentError } from 'commander';
import { AuthenticationError, CallTimeoutError, ConnectionError, ParameterError, ProcedureError } from '../../src/errors.js';
import { convertArgument, convertArguments, inferArgument, parseTypeList } from '../../src/cli/arguments.js';
import { EXIT_CODE, describeError, reportError } from '../../src/cli/exit.js';
import { columnLabel, formatTable, formatTables, jsonColumns, tableJson } from '../../src/cli/format-table.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { tableBytes } from '../decode/support.js';
import { choiceOption, durationOption, integerOption, numberOption, parseServers, resolveTarget } from '../../src/cli/options.js';
import { hostsFromAddressLine } from '../../src/cli/server-process.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { GeographyPoint } from '../../src/protocol/geography.js';
import { VoltDate } from '../../src/protocol/volt-date.js';

const where = { procedure: 'P', index: 0 };

test('parseTypeList accepts VoltDB type names and arrays, refuses others', (t: TestContext) => {
  t.assert.deepStrictEqual(parseTypeList('bigint, STRING,integer[],DECIMAL_STRING'), ['BIGINT', 'STRING', 'INTEGER[]', 'DECIMAL_STRING']);
  t.assert.throws(() => parseTypeList('BIGINT,LONG'), (e: unknown) => e instanceof ParameterError && /entry 2 "LONG" is not a VoltDB parameter type/.test(e.message));
});

test('convertArgument converts each declared type from text', (t: TestContext) => {
  t.assert.strictEqual(convertArgument('NULL', 'BIGINT', where), null);
  t.assert.strictEqual(convertArgument('-12', 'INTEGER', where), -12);
  t.assert.strictEqual(convertArgument('6175551234', 'BIGINT', where), 6175551234n);
  t.assert.strictEqual(convertArgument('1.5e3', 'FLOAT', where), 1500);
  t.assert.ok(Number.isNaN(convertArgument('NaN', 'FLOAT', where)));
  t.assert.ok((convertArgument('12.345', 'DECIMAL', where) as Decimal).equals(new Decimal('12.345')));
  t.assert.strictEqual(convertArgument('abc', 'STRING', where), 'abc');
  t.assert.strictEqual(convertArgument('1.50', 'DECIMAL_STRING', where), '1.50');
  t.assert.strictEqual(convertArgument('1700000000000000', 'TIMESTAMP', where), 1700000000000000n);
  t.assert.strictEqual((convertArgument('2024-01-02T03:04:05Z', 'TIMESTAMP', where) as Date).toISOString(), '2024-01-02T03:04:05.000Z');
  t.assert.strictEqual(String(convertArgument('2024-02-29', 'DATE', where)), '2024-02-29');
  t.assert.ok(convertArgument('2024-02-29', 'DATE', where) instanceof VoltDate);
  t.assert.deepStrictEqual(convertArgument('0xCAFE', 'VARBINARY', where), new Uint8Array([0xca, 0xfe]));
  t.assert.strictEqual(convertArgument('TRUE', 'BOOLEAN', where), true);
  t.assert.strictEqual(convertArgument('0', 'BOOLEAN', where), false);
  t.assert.ok((convertArgument('POINT(1 2)', 'GEOGRAPHY_POINT', where) as GeographyPoint).equals(new GeographyPoint(1, 2)));
  t.assert.ok(convertArgument('POLYGON((0 0, 1 0, 0 1, 0 0))', 'GEOGRAPHY', where) !== null);
  t.assert.deepStrictEqual(convertArgument('[1,2,null]', 'INTEGER[]', where), [1, 2, null]);
  t.assert.deepStrictEqual(convertArgument('a, b', 'STRING[]', where), ['a', 'b']);
  t.assert.deepStrictEqual(convertArgument('', 'BIGINT[]', where), []);
  for (const [text, type] of [
    ['1.5', 'INTEGER'],
    ['x', 'BIGINT'],
    ['one', 'FLOAT'],
    ['1,5', 'DECIMAL'],
    ['yesterday', 'TIMESTAMP'],
    ['2023-02-29', 'DATE'],
    ['ABC', 'VARBINARY'],
    ['maybe', 'BOOLEAN'],
    ['POINT(', 'GEOGRAPHY_POINT'],
    ['[1,', 'INTEGER[]'],
    ['{"a":1}', 'INTEGER[]'],
    ['x', 'VOLTTABLE'],
  ] as const) {
    t.assert.throws(() => convertArgument(text, type as never, { procedure: 'Vote', index: 1 }), (e: unknown) => e instanceof ParameterError && e.message.startsWith('parameter 2 of Vote: '), `${text} as ${type}`);
  }
});

test('inferArgument and convertArguments', (t: TestContext) => {
  t.assert.strictEqual(inferArgument('NULL'), null);
  t.assert.strictEqual(inferArgument('42'), 42);
  t.assert.strictEqual(inferArgument('-2147483647'), -2147483647);
  t.assert.strictEqual(inferArgument('6175551234'), 6175551234n);
  t.assert.strictEqual(inferArgument('0.25'), 0.25);
  t.assert.strictEqual(inferArgument('hello world'), 'hello world');
  t.assert.deepStrictEqual(convertArguments('Vote', ['6175551234', '3', '2'], undefined), [6175551234n, 3, 2]);
  t.assert.deepStrictEqual(convertArguments('Vote', ['6175551234', '3', '2'], ['BIGINT', 'INTEGER', 'BIGINT']), [6175551234n, 3, 2n]);
  t.assert.throws(() => convertArguments('Vote', ['1'], ['BIGINT', 'INTEGER']), /--types lists 2 types but 1 argument was given/);
});

function voltTable(columns: { name: string; type: number }[], rows: unknown[][]): VoltTable {
  return VoltTable.fromBytes(tableBytes({ columns, rows } as never));
}

test('the aligned display prints every VoltDB value type with the one value formatter', (t: TestContext) => {
  const table = voltTable(
    [
      { name: 'S', type: VOLT_TYPE.STRING },
      { name: 'B', type: VOLT_TYPE.BIGINT },
      { name: 'TS', type: VOLT_TYPE.TIMESTAMP },
      { name: 'V', type: VOLT_TYPE.VARBINARY },
      { name: 'D', type: VOLT_TYPE.DECIMAL },
      { name: 'P', type: VOLT_TYPE.GEOGRAPHY_POINT },
      { name: 'F', type: VOLT_TYPE.FLOAT },
    ],
    [
      ['a\nb\tc\r', 12n, 1n, new Uint8Array([1, 171]), new Decimal('1e-12'), new GeographyPoint(1, 2), -0],
      [null, null, null, null, null, null, null],
    ],
  );
  const lines = formatTable(table).split('\n');
  const cells = (line: string): string[] => line.trim().split(/\s+/);
  t.assert.deepStrictEqual(cells(lines[2]!).slice(0, 5), ['a\\nb\\tc\\r', '12', '1970-01-01T00:00:00.000001Z', '01ab', '0.000000000001']);
  t.assert.match(lines[2]!, /POINT\(1 2\)\s+-0$/);
  t.assert.deepStrictEqual(cells(lines[3]!), ['NULL', 'NULL', 'NULL', 'NULL', 'NULL', 'NULL', 'NULL']);
  t.assert.strictEqual(columnLabel('', 1), 'C2');
});

const TABLE = voltTable(
  [
    { name: 'CONTESTANT_NAME', type: VOLT_TYPE.STRING },
    { name: 'CONTESTANT_NUMBER', type: VOLT_TYPE.INTEGER },
    { name: '', type: VOLT_TYPE.BIGINT },
  ],
  [
    ['Edwina Burnam', 1, 100n],
    ['Kelly', 12, null],
  ],
);

test('formatTable aligns columns: text left, numbers right', (t: TestContext) => {
  t.assert.strictEqual(
    formatTable(TABLE),
    [
      'CONTESTANT_NAME  CONTESTANT_NUMBER    C3',
      '---------------  -----------------  ----',
      'Edwina Burnam                    1   100',
      'Kelly                           12  NULL',
      '(2 rows)',
      '',
    ].join('\n'),
  );
  t.assert.strictEqual(formatTables([]), '(no tables)\n');
  const one = voltTable(TABLE.columns.slice(), [['x', 1, 1n]]);
  t.assert.match(formatTables([TABLE, one]), /\(2 rows\)\n\n.*\n.*\n.*\n\(1 row\)\n$/);
  t.assert.deepStrictEqual(JSON.parse(tableJson(TABLE)), {
    columns: [
      { name: 'CONTESTANT_NAME', type: 'STRING' },
      { name: 'CONTESTANT_NUMBER', type: 'INTEGER' },
      { name: 'C3', type: 'BIGINT' },
    ],
    rows: [
      ['Edwina Burnam', 1, '100'],
      ['Kelly', 12, null],
    ],
  });
  t.assert.deepStrictEqual(JSON.parse(tableJson(voltTable(TABLE.columns.slice(), []))), { columns: jsonColumns(TABLE), rows: [] });
  t.assert.strictEqual(jsonColumns({ columns: [{ name: 'x', type: 99 }], rowCount: 0, decodeColumns: () => [] })[0]!.type, 'TYPE(99)');
});

test('describeError: one line and an exit code per kind of failure', (t: TestContext) => {
  const details = { procedure: 'Vote', status: -2, statusString: 'VOLTDB ERROR: no such\n  thing', appStatus: 3, appStatusString: 'why', exception: null, response: null };
  t.assert.deepStrictEqual(describeError(new ProcedureError('x', details)), {
    line: 'Vote failed with GRACEFUL_FAILURE: VOLTDB ERROR: no such thing (app status 3: why)',
    exitCode: EXIT_CODE.FAILURE,
  });
  t.assert.deepStrictEqual(describeError(new ProcedureError('x', { ...details, statusString: null, appStatusString: null })).line, 'Vote failed with GRACEFUL_FAILURE');
  t.assert.strictEqual(describeError(new ConnectionError('cannot connect')).exitCode, EXIT_CODE.CONNECTION);
  t.assert.strictEqual(describeError(new AuthenticationError('refused')).exitCode, EXIT_CODE.CONNECTION);
  t.assert.strictEqual(describeError(new ParameterError('bad')).exitCode, EXIT_CODE.USAGE);
  t.assert.strictEqual(describeError(new CallTimeoutError('slow', { timeoutMs: 1, sent: true })).exitCode, EXIT_CODE.FAILURE);
  t.assert.strictEqual(describeError(new InvalidArgumentError('nope')).exitCode, EXIT_CODE.USAGE);
  t.assert.strictEqual(describeError(new CommanderError(1, 'x', 'error: unknown option')).line, 'unknown option');
  t.assert.strictEqual(describeError(new RangeError('too big')).exitCode, EXIT_CODE.USAGE);
  const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT', syscall: 'open' });
  t.assert.deepStrictEqual(describeError(enoent), { line: "ENOENT: no such file or directory, open 'x'", exitCode: EXIT_CODE.USAGE });
  t.assert.deepStrictEqual(describeError(new TypeError('oops')), { line: 'TypeError: oops', exitCode: EXIT_CODE.FAILURE });
  t.assert.deepStrictEqual(describeError(new Error('plain')), { line: 'plain', exitCode: EXIT_CODE.FAILURE });
  t.assert.deepStrictEqual(describeError('text'), { line: 'text', exitCode: EXIT_CODE.FAILURE });
  let out = '';
  const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
  t.assert.strictEqual(reportError(new Error('boom'), sink, {}), 1);
  t.assert.strictEqual(out, 'error: boom\n');
  out = '';
  reportError(new Error('boom'), sink, { VOLTWIRE_DEBUG: '1' }, ' (hint)');
  t.assert.match(out, /^error: boom \(hint\)\nError: boom\n\s+at /);
});

test('option parsers refuse bad values with a usage error', (t: TestContext) => {
  t.assert.deepStrictEqual(parseServers('a:1, b,[::1]:5'), ['a:1', 'b', '[::1]:5']);
  t.assert.throws(() => parseServers(' , '), InvalidArgumentError);
  t.assert.throws(() => parseServers('a:99999'), /port of "a:99999"/);
  t.assert.strictEqual(integerOption('--n', 1, 10)('1_0'), 10);
  t.assert.throws(() => integerOption('--n', 1, 10)('11'), /--n must be an integer from 1 to 10, got "11"/);
  t.assert.throws(() => integerOption('--n', 1)('1.5'), /--n must be an integer from 1, got/);
  t.assert.strictEqual(numberOption('--r', 0, 1)('0.5'), 0.5);
  t.assert.throws(() => numberOption('--r', 0, 1)(''), InvalidArgumentError);
  t.assert.throws(() => numberOption('--r', 0, Number.POSITIVE_INFINITY, true)('0'), /greater than 0/);
  t.assert.throws(() => numberOption('--r', 0, 1)('2'), /at least 0 and at most 1/);
  const d = durationOption('--d', false);
  t.assert.strictEqual(d('10'), 10_000);
  t.assert.strictEqual(d('1.5s'), 1500);
  t.assert.strictEqual(d('250ms'), 250);
  t.assert.strictEqual(d('2m'), 120_000);
  t.assert.strictEqual(d('1h'), 3_600_000);
  t.assert.throws(() => d('0'), /more than 0/);
  t.assert.throws(() => d('soon'), /duration like/);
  t.assert.strictEqual(durationOption('--w', true)('0'), 0);
  t.assert.strictEqual(choiceOption('w', ['a', 'b'])('b'), 'b');
  t.assert.throws(() => choiceOption('w', ['a', 'b'])('c'), /w must be one of a, b/);
  t.assert.deepStrictEqual(resolveTarget({}, {}), { hosts: ['localhost:21212'], username: '', password: '' });
  t.assert.deepStrictEqual(resolveTarget({}, { VOLTWIRE_SERVERS: 'x:1,y', VOLTWIRE_USER: 'u', VOLTWIRE_PASSWORD: 'p' }), { hosts: ['x:1', 'y'], username: 'u', password: 'p' });
  t.assert.deepStrictEqual(resolveTarget({ servers: ['z'], user: 'a', password: 'b' }, { VOLTWIRE_SERVERS: 'x' }), { hosts: ['z'], username: 'a', password: 'b' });
});

test('the embedded server address line may take several shapes', (t: TestContext) => {
  t.assert.deepStrictEqual(hostsFromAddressLine('{"port":1234}'), ['127.0.0.1:1234']);
  t.assert.deepStrictEqual(hostsFromAddressLine('{"host":"localhost","ports":[1,2]}'), ['localhost:1', 'localhost:2']);
  t.assert.deepStrictEqual(hostsFromAddressLine('{"hosts":["a:1"]}'), ['a:1']);
  t.assert.deepStrictEqual(hostsFromAddressLine('{"nodes":[{"host":"h","port":3},{"port":4},7]}'), ['h:3', '127.0.0.1:4']);
  t.assert.strictEqual(hostsFromAddressLine('{"nodes":[]}'), undefined);
  t.assert.strictEqual(hostsFromAddressLine('listening'), undefined);
  t.assert.strictEqual(hostsFromAddressLine('42'), undefined);
  t.assert.strictEqual(hostsFromAddressLine('{"other":1}'), undefined);
});
