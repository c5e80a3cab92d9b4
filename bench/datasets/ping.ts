/**
 * `ping`: the smallest round trip. `@Ping()` as a call (end-to-end), a parameter set (encode),
 * and its answer as a real 11.4 server sends it (decode, framing; fixtures/real/ping): status
 * SUCCESS with the status string "SUCCESS", one table `STATUS BIGINT` holding 0.
 */
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { encodeResponse } from '../../src/protocol/response-writer.js';
import { registerDataset } from '../harness/registry.js';

registerDataset({
  name: 'ping',
  family: 'ping',
  description: '@Ping(): no parameters, a 71-byte answer (one BIGINT)',
  profiles: ['tiny', 'quick', 'full'],
  build: () => ({
    calls: [{ procedure: '@Ping', params: [] }],
    invocations: [{ procedure: '@Ping', params: [], types: [] }],
    responses: [
      encodeResponse({
        handle: 1n,
        status: 1,
        statusString: 'SUCCESS',
        tables: [{ columns: [{ name: 'STATUS', type: VOLT_TYPE.BIGINT }], rows: [[0n]] }],
      }),
    ],
  }),
});
