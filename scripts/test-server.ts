/**
 * `npm run test:server -- --servers host:port[,host:port…] [--user u --password p]`: the
 * conformance suite (test/conformance/checks.ts) against your own VoltDB. It creates and drops
 * its own tables (VWC_TYPES, VWC_KV, VWC_LOAD) and refuses to run when one of them exists.
 * One line per check; exit status 0 when all pass, 1 when one fails, 2 when it refused to run.
 */
import { parseArgs } from 'node:util';
import { Client } from '../src/index.js';
import { ConformanceRefusal, formatResult, runChecks } from '../test/conformance/checks.js';

const { values } = parseArgs({
  options: {
    servers: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
  },
});

if (values.servers === undefined || values.servers.trim() === '') {
  console.error('usage: npm run test:server -- --servers host:port[,host:port…] [--user u --password p]');
  process.exit(2);
}

const hosts = values.servers.split(',').map((h) => h.trim()).filter((h) => h !== '');
const client = await Client.connect({
  hosts,
  ...(values.user === undefined ? {} : { username: values.user }),
  ...(values.password === undefined ? {} : { password: values.password }),
});
let status = 0;
try {
  console.log(`conformance: ${hosts.join(', ')} (${client.serverInfo.buildString})`);
  const results = await runChecks(client, (result) => console.log(formatResult(result)));
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  status = failed === 0 ? 0 : 1;
} catch (error) {
  if (!(error instanceof ConformanceRefusal)) throw error;
  console.error(`refused: ${error.message}`);
  status = 2;
} finally {
  await client.close();
}
process.exit(status);
