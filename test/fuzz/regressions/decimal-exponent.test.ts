/**
 * Regression (encode target; first seen while writing the fuzzer's value generator, now drawn
 * by it): a DECIMAL parameter given as decimal text with a huge exponent was expanded digit by
 * digit before its size was checked. Fixed in src/protocol/decimal.ts / values.ts; these cases
 * keep it fixed.
 *
 * Before the fix: `toUnscaledDecimal` (src/protocol/decimal.ts) calls `decimal.toFixed(12)` before checking the
 * number of integer digits, so "1e10000000" builds a 10-million-digit string (~1.7 s) only to
 * refuse it, and "1e900000000" exhausts the heap: a fatal, uncatchable V8 OOM that kills the
 * process (a value from user input can crash a service). `decimalText` (DECIMAL_STRING,
 * src/protocol/values.ts) expanded the same way and then wrote the text as a STRING without
 * the 1 MiB value limit ("1e2000000" was sent as a 2 MB string).
 *
 * Each case runs in a worker with a small heap, so a relapse fails the case instead of killing
 * the test process.
 */
import { test, type TestContext } from 'node:test';
import { Worker } from 'node:worker_threads';

const INVOCATION = new URL('../../../src/protocol/invocation-writer.js', import.meta.url).href;

/** Encode one parameter in a worker with a small heap (32 MB by default); resolves to the error code, 'encoded N bytes', or why the worker died. */
function encodeInWorker(value: string, type: string, asDecimal = false, heapMb = 32): Promise<string> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    Promise.all([import(workerData.url), import(workerData.url.replace('invocation-writer.js', 'decimal.js'))]).then(([{ encodeInvocation }, { Decimal }]) => {
      const value = workerData.asDecimal ? new Decimal(workerData.value) : workerData.value;
      try {
        const frame = encodeInvocation({ procedure: 'P', handle: 1n, params: [value], types: [workerData.type] });
        parentPort.postMessage('encoded ' + frame.length + ' bytes');
      } catch (error) {
        parentPort.postMessage(error && error.code ? error.code : String(error));
      }
    });`;
  return new Promise((resolve) => {
    const worker = new Worker(code, { eval: true, workerData: { url: INVOCATION, value, type, asDecimal }, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve('timed out after 10 s');
    }, 10_000);
    worker.once('message', (message: string) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(message);
    });
    worker.once('error', (error: Error & { code?: string }) => {
      clearTimeout(timer);
      resolve(`worker died: ${error.code ?? error.message}`);
    });
  });
}

test('DECIMAL "1e900000000" is refused with a ParameterError (it crashes the process with an OOM)', async (t: TestContext) => {
  t.assert.equal(await encodeInWorker('1e900000000', 'DECIMAL'), 'ERR_VOLT_PARAMETER');
});

test('DECIMAL_STRING "1e900000000" is refused with a ParameterError', async (t: TestContext) => {
  t.assert.equal(await encodeInWorker('1e900000000', 'DECIMAL_STRING'), 'ERR_VOLT_PARAMETER');
});

test('DECIMAL_STRING "1e2000000" is refused: its text exceeds the 1 MiB value limit (it is sent as a 2 MB STRING)', async (t: TestContext) => {
  t.assert.equal(await encodeInWorker('1e2000000', 'DECIMAL_STRING', false, 256), 'ERR_VOLT_PARAMETER');
});

test('tiny exponents still round to zero, ordinary decimals still encode', async (t: TestContext) => {
  t.assert.match(await encodeInWorker('1e-900000000', 'DECIMAL'), /^encoded \d+ bytes$/);
  t.assert.match(await encodeInWorker('-12.5e3', 'DECIMAL', true), /^encoded \d+ bytes$/);
});
