/**
 * Captures from a real VoltDB 11.4 server (fixtures/real), read in place:
 *
 * - `real-small`: every call except the login and the large result — system procedures,
 *   errors, DDL/DML answers, all types with NULLs and GEOGRAPHY;
 * - `real-votes-50k`: the 1.1 MB `SELECT * FROM VOTES … LIMIT 50000` answer (BIGINT,
 *   VARCHAR(2), INTEGER) — a real large result.
 */
import { registerDataset } from '../harness/registry.js';
import { CAPTURES_PRESENT, capturesOf, warnMissing } from './capture-files.js';

const isLogin = (name: string): boolean => name.startsWith('login_');
const VOTES = 'select_votes_50000';

if (CAPTURES_PRESENT) {
  registerDataset({
    name: 'real-small',
    family: 'real',
    description: 'fixtures/real: every call captured against VoltDB 11.4 except the large result (system procedures, errors, all types)',
    profiles: ['tiny', 'quick', 'full'],
    build: () => capturesOf('real', (n) => n.endsWith('.bin') && !isLogin(n) && !n.startsWith(VOTES)),
  });
  registerDataset({
    name: 'real-votes-50k',
    family: 'real',
    description: 'fixtures/real/select_votes_50000: a real 1.1 MB result, 50,000 rows of BIGINT, VARCHAR(2), INTEGER',
    rows: 50_000,
    profiles: ['quick', 'full'],
    build: () => capturesOf('real', (n) => n.startsWith(VOTES)),
  });
} else {
  warnMissing('real-*');
}
