/**
 * The documented example of VoltDB's Python client, in TypeScript: connect to a server on
 * localhost:21212, call the procedure `Select` with one STRING parameter, print the response,
 * close. The Python original:
 *
 *     client = FastSerializer("localhost", 21212)
 *     proc = VoltProcedure(client, "Select", [FastSerializer.VOLTTYPE_STRING])
 *     response = proc.call(["English"])
 *     client.close()
 *     print response
 *
 * Host and port: `node dist/examples/python-style.js [host] [port]`, or the environment
 * variables VOLTDB_HOST / VOLTDB_PORT (arguments win).
 */
import { FastSerializer, VoltProcedure } from '../src/compat/index.js';

const host = process.argv[2] ?? process.env['VOLTDB_HOST'] ?? 'localhost';
const port = Number(process.argv[3] ?? process.env['VOLTDB_PORT'] ?? 21212);

const client = await FastSerializer.connect(host, port);
const proc = new VoltProcedure(client, 'Select', [FastSerializer.VOLTTYPE_STRING]);
const response = await proc.call(['English']);
await client.close();
console.log(String(response));
