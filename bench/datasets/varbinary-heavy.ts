/**
 * varbinary-heavy: an INTEGER key, a short VARBINARY (0–64 bytes, like hashes and ids) and a
 * long one (256 B – 4 KiB, like small blobs), 5 % NULL. Mostly bytes to move: here decoding
 * should approach `Buffer.copy`, and a strategy that copies each value pays for it.
 */
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import type { TableData } from '../harness/types.js';
import { Prng } from './prng.js';
import { registerTableFamily } from './table-family.js';

export function varbinaryHeavyTable(rows: number): TableData {
  const prng = new Prng(0xb17e5 ^ rows);
  const columns = [
    { name: 'ID', type: VOLT_TYPE.INTEGER },
    { name: 'DIGEST', type: VOLT_TYPE.VARBINARY },
    { name: 'PAYLOAD', type: VOLT_TYPE.VARBINARY },
  ];
  const out: unknown[][] = [];
  for (let i = 0; i < rows; i++) {
    const digest = prng.chance(0.05) ? null : prng.bytes(prng.below(65));
    const payload = prng.chance(0.05) ? null : prng.bytes(256 + prng.below(4 * 1024 - 256));
    out.push([i, digest, payload]);
  }
  return { columns, rows: out };
}

registerTableFamily({
  family: 'varbinary-heavy',
  description: 'INTEGER key + VARBINARY 0–64 B + VARBINARY 256 B–4 KiB (5% NULL)',
  // ~2.2 KiB a row: 20k rows is a 44 MB frame, as much as a full run should hold.
  rows: { tiny: [16], quick: [100, 2_000], full: [100, 2_000, 20_000] },
  generate: varbinaryHeavyTable,
});
