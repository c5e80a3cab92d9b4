/**
 * A cursor over one statement's tokens, with the small reads both SQL parsers share: words,
 * symbols, identifiers, literal values and `?` placeholders (numbered from `firstParam`, so a
 * batch's statements share one parameter list), and VoltDB's syntax-error wording.
 */
import type { ProcedureError } from '../../errors.js';
import { sqlSyntaxError } from '../failure-responses.js';
import type { Expression } from './ast.js';
import { tokenize, type Token } from './tokenizer.js';

/** Words that cannot name a table or column unless double-quoted (KEY and VALUE can: voltkv uses them). */
export const RESERVED: ReadonlySet<string> = new Set([
  'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'ORDER', 'BY', 'GROUP', 'HAVING', 'LIMIT', 'OFFSET', 'INSERT', 'UPSERT', 'INTO', 'VALUES',
  'DELETE', 'UPDATE', 'SET', 'CREATE', 'DROP', 'NULL', 'NOT', 'IS', 'AS', 'IN', 'LIKE', 'BETWEEN', 'JOIN', 'INNER', 'ON', 'DISTINCT',
]);

export class TokenStream {
  protected readonly tokens: Token[];
  protected position = 0;
  protected params: number;
  protected readonly firstParam: number;

  constructor(
    protected readonly sql: string,
    firstParam: number,
  ) {
    this.tokens = tokenize(sql);
    this.params = firstParam;
    this.firstParam = firstParam;
  }

  protected expression(): Expression {
    const token = this.next();
    switch (token.kind) {
      case 'param':
        return { kind: 'param', index: this.params++ };
      case 'number':
        return { kind: 'number', text: token.text };
      case 'string':
        return { kind: 'string', text: token.text };
      case 'hex':
        return { kind: 'hex', text: token.text };
      case 'symbol':
        if (token.text === '-' || token.text === '+') {
          const operand = this.next();
          if (operand.kind !== 'number') throw this.unexpected(operand);
          return { kind: 'number', text: token.text === '-' ? `-${operand.text}` : operand.text };
        }
        throw this.unexpected(token);
      case 'word': {
        if (token.text === 'NULL') return { kind: 'null' };
        if (token.text === 'TRUE' || token.text === 'FALSE') return { kind: 'boolean', value: token.text === 'TRUE' };
        const shape = GEO_FUNCTIONS[token.text];
        if (shape !== undefined && this.symbolIf('(')) {
          const argument = this.expression();
          this.symbol(')');
          return { kind: 'geo', shape, argument };
        }
        throw this.unexpected(token);
      }
      default:
        throw this.unexpected(token);
    }
  }

  // --- token helpers -----------------------------------------------------------------------

  protected peek(): Token {
    return this.tokens[this.position]!;
  }

  protected peekAt(ahead: number): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position++;
    return token;
  }

  protected identifier(): string {
    const token = this.next();
    if ((token.kind === 'word' && !RESERVED.has(token.text)) || token.kind === 'quoted') return token.text;
    throw this.unexpected(token);
  }

  /** `T.COL` is accepted and reduced to `COL` (one table per statement). */
  protected qualifiedIdentifier(): string {
    const name = this.identifier();
    if (this.peek().kind === 'symbol' && this.peek().text === '.') {
      this.next();
      return this.identifier();
    }
    return name;
  }

  protected word(what: string): string {
    const token = this.next();
    if (token.kind !== 'word') throw sqlSyntaxError(this.statementText(), `expected ${what}, found ${describe(token)}`);
    return token.text;
  }

  protected keyword(word: string): void {
    const token = this.next();
    if (token.kind !== 'word' || token.text !== word) throw this.unexpected(token, word);
  }

  protected wordIf(word: string): boolean {
    const token = this.peek();
    if (token.kind === 'word' && token.text === word) {
      this.position++;
      return true;
    }
    return false;
  }

  protected symbol(symbol: string): void {
    const token = this.next();
    if (token.kind !== 'symbol' || token.text !== symbol) throw this.unexpected(token, symbol);
  }

  protected symbolIf(symbol: string): boolean {
    const token = this.peek();
    if (token.kind === 'symbol' && token.text === symbol) {
      this.position++;
      return true;
    }
    return false;
  }

  protected statementText(): string {
    return this.sql.trim().replace(/;\s*$/, '');
  }

  protected unexpected(token: Token, expected?: string): ProcedureError<null> {
    if (token.kind === 'end') {
      return sqlSyntaxError(this.statementText(), expected === undefined ? 'unexpected end of statement' : `unexpected end of statement, required: ${expected}`);
    }
    return sqlSyntaxError(this.statementText(), `unexpected token: ${token.kind === 'string' ? `'${token.text}'` : token.text}${expected === undefined ? '' : ` required: ${expected}`}`);
  }
}

const GEO_FUNCTIONS: Readonly<Record<string, 'point' | 'polygon'>> = {
  POINTFROMTEXT: 'point',
  POLYGONFROMTEXT: 'polygon',
};

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of statement' : token.text;
}

