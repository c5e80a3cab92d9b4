/**
 * Parser of the general SELECT (query-ast.ts): `SELECT [DISTINCT] items FROM t [alias]
 * [[INNER] JOIN t2 [alias] ON cond]… | FROM t1, t2 [WHERE …] [GROUP BY …] [HAVING …]
 * [ORDER BY …] [LIMIT n] [OFFSET n]`, with expressions of columns, literals, `?`, + - * /,
 * comparisons, AND / OR / NOT, IS [NOT] NULL, [NOT] IN (list) / IN ?, [NOT] LIKE,
 * [NOT] BETWEEN, and COUNT / SUM / MIN / MAX / AVG.
 */
import type { AggregateFunction, ComparisonOperator } from './ast.js';
import type { Modification, Query, QueryExpression, QueryItem, TableReference } from './query-ast.js';
import { TokenStream } from './token-stream.js';

const AGGREGATES: ReadonlySet<string> = new Set(['COUNT', 'MIN', 'MAX', 'SUM', 'AVG']);
const COMPARISONS: ReadonlySet<string> = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
/** Words after a select item or table that are not an alias. */
const NOT_ALIAS: ReadonlySet<string> = new Set(['FROM', 'WHERE', 'ORDER', 'LIMIT', 'OFFSET', 'GROUP', 'HAVING', 'JOIN', 'INNER', 'ON', 'AND', 'OR']);

export interface ParsedQuery {
  query: Query;
  paramCount: number;
}

class QueryParser extends TokenStream {
  parse(): ParsedQuery {
    const query = this.select();
    this.symbolIf(';');
    const end = this.peek();
    if (end.kind !== 'end') throw this.unexpected(end);
    return { query, paramCount: this.params - this.firstParam };
  }

  parseModification(): { modification: Modification; paramCount: number } {
    let modification: Modification;
    if (this.wordIf('DELETE')) {
      this.keyword('FROM');
      modification = { kind: 'delete', table: this.identifier(), assignments: [] };
    } else {
      this.keyword('UPDATE');
      modification = { kind: 'update', table: this.identifier(), assignments: [] };
      this.keyword('SET');
      do {
        const column = this.identifier();
        this.symbol('=');
        modification.assignments.push({ column, value: this.additive() });
      } while (this.symbolIf(','));
    }
    if (this.wordIf('WHERE')) modification.where = this.condition();
    this.symbolIf(';');
    const end = this.peek();
    if (end.kind !== 'end') throw this.unexpected(end);
    return { modification, paramCount: this.params - this.firstParam };
  }

  private select(): Query {
    this.keyword('SELECT');
    const distinct = this.wordIf('DISTINCT');
    const items: QueryItem[] = [];
    do items.push(this.item());
    while (this.symbolIf(','));
    this.keyword('FROM');
    const from: TableReference[] = [this.tableReference()];
    const conditions: QueryExpression[] = [];
    for (;;) {
      if (this.symbolIf(',')) {
        from.push(this.tableReference());
      } else if (this.wordIf('INNER') || this.peekWord('JOIN')) {
        this.keyword('JOIN');
        from.push(this.tableReference());
        this.keyword('ON');
        conditions.push(this.condition());
      } else {
        break;
      }
    }
    if (this.wordIf('WHERE')) conditions.push(this.condition());
    const where = conditions.reduce<QueryExpression | undefined>((all, c) => (all === undefined ? c : { kind: 'and', left: all, right: c }), undefined);
    const groupBy: QueryExpression[] = [];
    if (this.wordIf('GROUP')) {
      this.keyword('BY');
      do groupBy.push(this.additive());
      while (this.symbolIf(','));
    }
    const having = this.wordIf('HAVING') ? this.condition() : undefined;
    const orderBy: Query['orderBy'] = [];
    if (this.wordIf('ORDER')) {
      this.keyword('BY');
      do {
        const expression = this.additive();
        const descending = this.wordIf('DESC');
        if (!descending) this.wordIf('ASC');
        orderBy.push({ expression, descending });
      } while (this.symbolIf(','));
    }
    const limit = this.wordIf('LIMIT') ? this.expression() : undefined;
    const offset = this.wordIf('OFFSET') ? this.expression() : undefined;
    return { distinct, items, from, ...(where === undefined ? {} : { where }), groupBy, ...(having === undefined ? {} : { having }), orderBy, ...(limit === undefined ? {} : { limit }), ...(offset === undefined ? {} : { offset }) };
  }

  private item(): QueryItem {
    if (this.symbolIf('*')) return { kind: 'star' };
    if ((this.peek().kind === 'word' || this.peek().kind === 'quoted') && this.peekAt(1).text === '.' && this.peekAt(2).text === '*') {
      const table = this.identifier();
      this.symbol('.');
      this.symbol('*');
      return { kind: 'star', table };
    }
    const expression = this.additive();
    const alias = this.alias();
    return alias === undefined ? { kind: 'expression', expression } : { kind: 'expression', expression, alias };
  }

  private alias(): string | undefined {
    if (this.wordIf('AS')) return this.identifier();
    const token = this.peek();
    if ((token.kind === 'word' && !NOT_ALIAS.has(token.text) && token.text !== 'DESC' && token.text !== 'ASC') || token.kind === 'quoted') return this.identifier();
    return undefined;
  }

  private tableReference(): TableReference {
    const table = this.identifier();
    return { table, name: this.alias() ?? table };
  }

  private peekWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text === word;
  }

  // --- conditions: OR > AND > NOT > predicate ------------------------------------------------

  private condition(): QueryExpression {
    let left = this.conjunction();
    while (this.wordIf('OR')) left = { kind: 'or', left, right: this.conjunction() };
    return left;
  }

  private conjunction(): QueryExpression {
    let left = this.negation();
    while (this.wordIf('AND')) left = { kind: 'and', left, right: this.negation() };
    return left;
  }

  private negation(): QueryExpression {
    if (this.wordIf('NOT')) return { kind: 'not', operand: this.negation() };
    return this.predicate();
  }

  private predicate(): QueryExpression {
    // A parenthesised condition: `(a = 1 OR b = 2)`.
    if (this.peek().text === '(' && this.peek().kind === 'symbol' && this.parenthesisedCondition()) {
      this.symbol('(');
      const inner = this.condition();
      this.symbol(')');
      return inner;
    }
    const operand = this.additive();
    if (this.wordIf('IS')) {
      const negated = this.wordIf('NOT');
      this.keyword('NULL');
      return { kind: 'is-null', operand, negated };
    }
    const negated = this.wordIf('NOT');
    if (this.wordIf('IN')) {
      if (this.peek().kind === 'param') return { kind: 'in', operand, list: [this.additive()], array: true, negated };
      this.symbol('(');
      const list: QueryExpression[] = [];
      do list.push(this.additive());
      while (this.symbolIf(','));
      this.symbol(')');
      return { kind: 'in', operand, list, array: false, negated };
    }
    if (this.wordIf('LIKE')) return { kind: 'like', operand, pattern: this.additive(), negated };
    if (this.wordIf('BETWEEN')) {
      const low = this.additive();
      this.keyword('AND');
      return { kind: 'between', operand, low, high: this.additive(), negated };
    }
    if (negated) throw this.unexpected(this.peek(), 'IN, LIKE or BETWEEN');
    const token = this.next();
    if (token.kind !== 'symbol' || !COMPARISONS.has(token.text)) throw this.unexpected(token);
    const op = (token.text === '!=' ? '<>' : token.text) as ComparisonOperator;
    return { kind: 'compare', op, left: operand, right: this.additive() };
  }

  /** Whether the `(` at the cursor opens a condition rather than an arithmetic expression. */
  private parenthesisedCondition(): boolean {
    let depth = 0;
    for (let i = this.position; i < this.tokens.length; i++) {
      const token = this.tokens[i]!;
      if (token.kind === 'end') return false;
      if (token.kind === 'symbol' && token.text === '(') depth++;
      else if (token.kind === 'symbol' && token.text === ')') {
        depth--;
        if (depth === 0) return false;
      } else if (depth === 1 && ((token.kind === 'symbol' && COMPARISONS.has(token.text)) || (token.kind === 'word' && ['AND', 'OR', 'NOT', 'IS', 'IN', 'LIKE', 'BETWEEN'].includes(token.text)))) {
        return true;
      }
    }
    return false;
  }

  // --- arithmetic -----------------------------------------------------------------------------

  private additive(): QueryExpression {
    let left = this.multiplicative();
    for (;;) {
      if (this.symbolIf('+')) left = { kind: 'arithmetic', op: '+', left, right: this.multiplicative() };
      else if (this.symbolIf('-')) left = { kind: 'arithmetic', op: '-', left, right: this.multiplicative() };
      else return left;
    }
  }

  private multiplicative(): QueryExpression {
    let left = this.unary();
    for (;;) {
      if (this.symbolIf('*')) left = { kind: 'arithmetic', op: '*', left, right: this.unary() };
      else if (this.symbolIf('/')) left = { kind: 'arithmetic', op: '/', left, right: this.unary() };
      else return left;
    }
  }

  private unary(): QueryExpression {
    if (this.peek().text === '-' && this.peek().kind === 'symbol' && this.peekAt(1).kind !== 'number') {
      this.next();
      return { kind: 'negate', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): QueryExpression {
    const token = this.peek();
    if (token.kind === 'symbol' && token.text === '(') {
      this.next();
      const inner = this.additive();
      this.symbol(')');
      return inner;
    }
    if (token.kind === 'word' && AGGREGATES.has(token.text) && this.peekAt(1).text === '(') {
      this.next();
      this.symbol('(');
      const fn = token.text as AggregateFunction;
      const distinct = this.wordIf('DISTINCT');
      if (fn === 'COUNT' && !distinct && this.symbolIf('*')) {
        this.symbol(')');
        return { kind: 'aggregate', fn, distinct: false };
      }
      const argument = this.additive();
      this.symbol(')');
      return { kind: 'aggregate', fn, argument, distinct };
    }
    if (token.kind === 'quoted' || (token.kind === 'word' && !['NULL', 'TRUE', 'FALSE', 'POINTFROMTEXT', 'POLYGONFROMTEXT'].includes(token.text))) {
      const first = this.identifier();
      if (this.symbolIf('.')) return { kind: 'column', table: first, name: this.identifier() };
      return { kind: 'column', name: first };
    }
    return { kind: 'value', value: this.expression() };
  }
}

/** Parse a general UPDATE or DELETE (see {@link Modification}). */
export function parseModification(sql: string, firstParam = 0): { modification: Modification; paramCount: number } {
  return new QueryParser(sql, firstParam).parseModification();
}

/** Parse a general SELECT; anything else is a −2 syntax error in VoltDB's words. */
export function parseQuery(sql: string, firstParam = 0): ParsedQuery {
  return new QueryParser(sql, firstParam).parse();
}
