import { test, type TestContext } from 'node:test';
import { ParameterError, ProtocolError } from '../../src/errors.js';
import {
  decodeLoginRequest,
  decodeLoginResponse,
  encodeLoginRequest,
  encodeLoginResponse,
  hashPassword,
  type LoginResponse,
} from '../../src/protocol/login.js';

test('hashPassword: raw SHA-256 by default, SHA-1 on request', (t: TestContext) => {
  t.assert.equal(hashPassword('').toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.assert.equal(hashPassword('world', 'sha1').toString('hex'), '7c211433f02071597741e6ff5a8ea34789abbf43');
});

test('login request v1 (SHA-256 and SHA-1) and v0 round-trip', (t: TestContext) => {
  const v1 = decodeLoginRequest(encodeLoginRequest({ username: 'ünïcode', password: 'pw' }));
  t.assert.deepStrictEqual(v1, { version: 1, scheme: 1, service: 'database', username: 'ünïcode', digest: hashPassword('pw') });
  const sha1 = decodeLoginRequest(encodeLoginRequest({ username: 'u', password: 'pw', scheme: 'sha1' }));
  t.assert.equal(sha1.scheme, 0);
  t.assert.deepStrictEqual(sha1.digest, hashPassword('pw', 'sha1'));
  const v0frame = encodeLoginRequest({ username: 'u', password: 'pw', version: 0 });
  t.assert.equal(v0frame[4], 0);
  t.assert.equal(v0frame[5], 0); // no scheme byte: the service string's length starts here
  const v0 = decodeLoginRequest(v0frame);
  t.assert.deepStrictEqual(v0, { version: 0, scheme: 0, service: 'database', username: 'u', digest: hashPassword('pw', 'sha1') });
  const hashed = decodeLoginRequest(encodeLoginRequest({ passwordHash: hashPassword('x'), service: 'kerberos' }));
  t.assert.equal(hashed.service, 'kerberos');
  t.assert.deepStrictEqual(hashed.digest, hashPassword('x'));
});

test('login request refusals', (t: TestContext) => {
  t.assert.throws(() => encodeLoginRequest({ version: 0, scheme: 'sha256' }), ParameterError);
  t.assert.throws(() => encodeLoginRequest({ version: 2 as 1 }), ParameterError);
  t.assert.throws(() => encodeLoginRequest({ scheme: 'md5' as 'sha1' }), ParameterError);
  t.assert.throws(() => encodeLoginRequest({ passwordHash: new Uint8Array(20) }), /20 bytes; sha256 needs 32/);
});

test('login request decode errors', (t: TestContext) => {
  const good = encodeLoginRequest({ username: 'u' });
  const patched = (at: number, value: number): Buffer => {
    const copy = Buffer.from(good);
    copy.writeInt32BE(value, at);
    return copy;
  };
  t.assert.throws(() => decodeLoginRequest(good.subarray(0, 10)), ProtocolError);
  const badVersion = Buffer.from(good);
  badVersion[4] = 3;
  t.assert.throws(() => decodeLoginRequest(badVersion), /unknown login version 3/);
  t.assert.throws(() => decodeLoginRequest(patched(6, -1)), /service is NULL/);
  t.assert.throws(() => decodeLoginRequest(patched(18, -1)), /username is NULL/);
  // A wrong digest length is the server's decision (result code -1), not a protocol error.
  const short = Buffer.from(good.subarray(0, good.length - 2));
  short.writeInt32BE(short.length - 4, 0);
  t.assert.equal(decodeLoginRequest(short).digest.length, 30);
});

test('login response: success layout and the 2-byte failure body', (t: TestContext) => {
  const success: LoginResponse = {
    resultCode: 0,
    hostId: 3,
    connectionId: 123456789012n,
    clusterStartMs: 1700000000000n,
    leaderAddress: '10.0.255.1',
    buildString: 'voltwire_test',
  };
  const frame = encodeLoginResponse(success);
  t.assert.equal(frame.readInt32BE(0), 30 + 13);
  t.assert.deepStrictEqual(decodeLoginResponse(frame), success);
  const failure = encodeLoginResponse({ resultCode: -1 });
  t.assert.deepStrictEqual(failure, Buffer.from('0000000200ff', 'hex'));
  t.assert.deepStrictEqual(decodeLoginResponse(failure), {
    resultCode: -1,
    hostId: 0,
    connectionId: 0n,
    clusterStartMs: 0n,
    leaderAddress: '0.0.0.0',
    buildString: '',
  });
  t.assert.throws(() => encodeLoginResponse({ ...success, leaderAddress: '256.0.0.1' }), ParameterError);
  t.assert.throws(() => encodeLoginResponse({ ...success, leaderAddress: 'localhost' }), ParameterError);
  t.assert.throws(() => encodeLoginResponse({ resultCode: 300 }), ParameterError);
});

test('login response decode errors', (t: TestContext) => {
  t.assert.throws(() => decodeLoginResponse(Buffer.from('0000000100', 'hex')), ProtocolError);
  t.assert.throws(() => decodeLoginResponse(Buffer.from('0000000500', 'hex')), ProtocolError);
  t.assert.throws(() => decodeLoginResponse(Buffer.from('000000020204', 'hex')), /Kerberos/);
  t.assert.throws(() => decodeLoginResponse(Buffer.from('00000006000000000001', 'hex')), ProtocolError);
  const nullBuild = encodeLoginResponse({ resultCode: 0, hostId: 0, connectionId: 0n, clusterStartMs: 0n, leaderAddress: '1.2.3.4', buildString: '' });
  nullBuild.writeInt32BE(-1, nullBuild.length - 4);
  t.assert.throws(() => decodeLoginResponse(nullBuild), /build string is NULL/);
});
