import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { ProtocolError } from '../../src/errors.js';
import { WIRE_DUMP_MAGIC, WireDumpWriter, maskLoginDigest, readWireDump } from '../../src/connection/wire-dump.js';

function loginFrame(version: 0 | 1, scheme: 0 | 1): Buffer {
  const user = Buffer.from('admin');
  const service = Buffer.from('database');
  const digest = Buffer.alloc(scheme === 1 ? 32 : 20, 0xab);
  const parts = version === 1 ? [Buffer.from([1, scheme])] : [Buffer.from([0])];
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const body = Buffer.concat([...parts, str(service), str(user), digest]);
  const frame = Buffer.alloc(4 + body.length);
  frame.writeInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

describe('wire dump', () => {
  test('maskLoginDigest zeroes exactly the digest of v1 SHA-256, v1 SHA-1 and v0 logins', (t: TestContext) => {
    for (const [version, scheme, size] of [[1, 1, 32], [1, 0, 20], [0, 0, 20]] as const) {
      const frame = loginFrame(version, scheme);
      t.assert.ok(maskLoginDigest(frame));
      t.assert.ok(frame.subarray(frame.length - size).every((b) => b === 0));
      t.assert.notStrictEqual(frame[frame.length - size - 1], 0, 'the user name is untouched');
    }
    t.assert.strictEqual(maskLoginDigest(Buffer.from([0, 0, 0, 1, 7])), false, 'unknown version');
    t.assert.strictEqual(maskLoginDigest(Buffer.from([0, 0, 0, 2, 1, 2])), false, 'Kerberos: no digest');
    t.assert.strictEqual(maskLoginDigest(Buffer.from([0, 0])), false);
  });

  test('writes records that read back: kinds, connection, time, masking, payload', async (t: TestContext) => {
    const dir = mkdtempSync(join(tmpdir(), 'voltwire-dump-'));
    try {
      const path = join(dir, 'wire.dump');
      const writer = new WireDumpWriter(path);
      const c0 = writer.nextConnection();
      const c1 = writer.nextConnection();
      const before = Date.now();
      writer.event('open', c0, 'localhost:21212');
      const login = loginFrame(1, 1);
      writer.recordLogin(c0, login);
      t.assert.strictEqual(login[login.length - 1], 0xab, "the caller's frame is not modified");
      const frame = Buffer.from([0, 0, 0, 2, 0, 9]);
      writer.record('received', c1, frame);
      frame[5] = 1; // reuse after record: the dump kept a copy
      writer.event('close', c1, 'lost');
      await writer.close();
      await writer.close();
      writer.record('sent', c0, frame); // after close: ignored

      const dump = readWireDump(readFileSync(path));
      t.assert.strictEqual(dump.trailingBytes, 0);
      t.assert.deepStrictEqual(
        dump.records.map((r) => [r.kind, r.connection, r.masked]),
        [
          ['open', 0, false],
          ['sent', 0, true],
          ['received', 1, false],
          ['close', 1, false],
        ],
      );
      t.assert.strictEqual(Buffer.from(dump.records[0]!.payload).toString(), 'localhost:21212');
      const sentLogin = dump.records[1]!.payload;
      t.assert.ok(sentLogin.subarray(sentLogin.length - 32).every((b) => b === 0), 'digest masked in the file');
      t.assert.deepStrictEqual([...dump.records[2]!.payload], [0, 0, 0, 2, 0, 9]);
      for (const r of dump.records) t.assert.ok(r.time >= before - 1 && r.time <= Date.now() + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a cut-off last record is reported, not thrown; bad headers are ProtocolErrors', (t: TestContext) => {
    const record = Buffer.alloc(16 + 3);
    record[0] = 0x3e;
    record.writeDoubleBE(1, 4);
    record.writeUInt32BE(3, 12);
    const whole = Buffer.concat([Buffer.from(WIRE_DUMP_MAGIC), record]);
    t.assert.strictEqual(readWireDump(whole).records.length, 1);
    const cut = readWireDump(whole.subarray(0, whole.length - 1));
    t.assert.strictEqual(cut.records.length, 0);
    t.assert.strictEqual(cut.trailingBytes, 18);
    t.assert.throws(() => readWireDump(Buffer.from('NOTADUMP')), ProtocolError);
    const badKind = Buffer.from(whole);
    badKind[8] = 0x41;
    t.assert.throws(() => readWireDump(badKind), /kind 0x41/);
  });

  test('an unwritable path stops the dump without throwing; `opened` rejects with InvalidArgumentError', async (t: TestContext) => {
    const dir = mkdtempSync(join(tmpdir(), 'voltwire-dump-'));
    try {
      writeFileSync(join(dir, 'file'), '');
      const writer = new WireDumpWriter(join(dir, 'file', 'cannot-be-a-child'));
      await t.assert.rejects(writer.opened, { code: 'ERR_VOLT_INVALID_ARGUMENT', message: /^dumpFile: cannot write .*: ENOTDIR/ });
      t.assert.ok(writer.error !== null);
      writer.record('sent', 0, Buffer.from([1]));
      await writer.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
