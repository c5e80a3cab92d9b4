/**
 * Tokens of the embedded server's SQL subset.
 *
 * Unquoted identifiers and keywords are upper-cased (VoltDB folds them); "double-quoted"
 * identifiers keep their case. Strings are '...' with '' as the escaped quote; x'..' is a hex
 * literal; numbers keep their source text so DECIMAL and BIGINT literals stay exact.
 */
import { ProcedureError } from '../../errors.js';
import { sqlSyntaxError } from '../failure-responses.js';

export type TokenKind = 'word' | 'quoted' | 'number' | 'string' | 'hex' | 'symbol' | 'param' | 'end';

export interface Token {
  kind: TokenKind;
  /** word/quoted: the identifier (words upper-cased); number: source text; string: unescaped text; hex: digits; symbol: the symbol. */
  text: string;
  /** Offset in the statement text. */
  at: number;
}

const SYMBOLS = ['<>', '!=', '<=', '>=', '=', '<', '>', '(', ')', ',', ';', '*', '.', '-', '+', '/'];

function isWordStart(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_' || c === '@' || c.charCodeAt(0) >= 0x80;
}

function isWordPart(c: string): boolean {
  return isWordStart(c) || (c >= '0' && c <= '9') || c === '$';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Split one statement into tokens; a token the subset does not know is a syntax error naming it. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    const at = i;
    if ((c === 'x' || c === 'X') && sql[i + 1] === "'") {
      const end = sql.indexOf("'", i + 2);
      if (end < 0) throw unterminated(sql, at);
      const digits = sql.slice(i + 2, end);
      if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) {
        throw sqlSyntaxError(sql, `malformed binary string: x'${digits}'`);
      }
      tokens.push({ kind: 'hex', text: digits, at });
      i = end + 1;
      continue;
    }
    if (isWordStart(c)) {
      while (i < n && isWordPart(sql[i]!)) i++;
      tokens.push({ kind: 'word', text: sql.slice(at, i).toUpperCase(), at });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(sql[i + 1]))) {
      while (isDigit(sql[i])) i++;
      if (sql[i] === '.') {
        i++;
        while (isDigit(sql[i])) i++;
      }
      if ((sql[i] === 'e' || sql[i] === 'E') && (isDigit(sql[i + 1]) || ((sql[i + 1] === '-' || sql[i + 1] === '+') && isDigit(sql[i + 2])))) {
        i += 2;
        while (isDigit(sql[i])) i++;
      }
      tokens.push({ kind: 'number', text: sql.slice(at, i), at });
      continue;
    }
    if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        const end = sql.indexOf("'", i);
        if (end < 0) throw unterminated(sql, at);
        text += sql.slice(i, end);
        if (sql[end + 1] === "'") {
          text += "'";
          i = end + 2;
        } else {
          i = end + 1;
          break;
        }
      }
      tokens.push({ kind: 'string', text, at });
      continue;
    }
    if (c === '"') {
      const end = sql.indexOf('"', i + 1);
      if (end < 0) throw sqlSyntaxError(sql, 'unterminated quoted identifier');
      tokens.push({ kind: 'quoted', text: sql.slice(i + 1, end), at });
      i = end + 1;
      continue;
    }
    if (c === '?') {
      tokens.push({ kind: 'param', text: '?', at });
      i++;
      continue;
    }
    const symbol = SYMBOLS.find((s) => sql.startsWith(s, i));
    if (symbol === undefined) throw sqlSyntaxError(sql, `unexpected token: ${c}`);
    tokens.push({ kind: 'symbol', text: symbol, at });
    i += symbol.length;
  }
  tokens.push({ kind: 'end', text: '', at: n });
  return tokens;
}

function unterminated(sql: string, at: number): ProcedureError {
  return sqlSyntaxError(sql, `unterminated string starting at character ${at + 1}`);
}

/**
 * Split a batch on `;` outside quotes and comments. Empty statements are dropped; each keeps
 * its own text (trimmed, without the `;`), as VoltDB plans them one by one.
 */
export function splitStatements(batch: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = batch.length;
  while (i < n) {
    const c = batch[i]!;
    if (c === "'" || c === '"') {
      const end = batch.indexOf(c, i + 1);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === '-' && batch[i + 1] === '-') {
      const end = batch.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === ';') {
      out.push(batch.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  out.push(batch.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.length > 0 && !/^(--[^\n]*\n?\s*)+$/.test(s));
}
