/**
 * A recursive-descent parser for the embedded server's SQL subset. One statement at a time
 * (see `splitStatements`); `?` placeholders are numbered from `firstParam` so a batch's
 * statements share one parameter list.
 */
import type { AggregateFunction, ColumnSpec, ComparisonOperator, Condition, Expression, OrderTerm, SelectItem, Statement, UniqueKind, UniqueSpec } from './ast.js';
import { TokenStream } from './token-stream.js';

const AGGREGATES: ReadonlySet<string> = new Set(['COUNT', 'MIN', 'MAX', 'SUM', 'AVG']);
const OPERATORS: ReadonlySet<string> = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
/** Words that end a select item / table reference (so they are not read as aliases). */
const CLAUSE_WORDS: ReadonlySet<string> = new Set(['FROM', 'WHERE', 'ORDER', 'LIMIT', 'OFFSET', 'AND', 'GROUP', 'HAVING', 'SET', 'VALUES']);

export interface ParsedStatement {
  statement: Statement;
  /** Number of `?` placeholders in this statement. */
  paramCount: number;
}

class Parser extends TokenStream {

  parse(): ParsedStatement {
    const first = this.peek();
    let statement: Statement;
    switch (first.kind === 'word' ? first.text : '') {
      case 'SELECT':
        statement = this.select();
        break;
      case 'INSERT':
      case 'UPSERT':
        statement = this.insert();
        break;
      case 'DELETE':
        statement = this.delete();
        break;
      case 'UPDATE':
        statement = this.update();
        break;
      case 'CREATE':
        statement = this.createTable();
        break;
      case 'PARTITION':
        statement = this.partitionTable();
        break;
      case 'DROP':
        statement = this.dropTable();
        break;
      default:
        throw this.unexpected(first);
    }
    if (this.peek().kind === 'symbol' && this.peek().text === ';') this.next();
    const end = this.peek();
    if (end.kind !== 'end') throw this.unexpected(end);
    return { statement, paramCount: this.params - this.firstParam };
  }

  // --- statements ---------------------------------------------------------------------------

  private select(): Statement {
    this.keyword('SELECT');
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.symbolIf(','));
    this.keyword('FROM');
    const table = this.identifier();
    const where = this.whereClause();
    const orderBy: OrderTerm[] = [];
    if (this.wordIf('ORDER')) {
      this.keyword('BY');
      do {
        const column = this.identifier();
        let descending = false;
        if (this.wordIf('DESC')) descending = true;
        else this.wordIf('ASC');
        orderBy.push({ column, descending });
      } while (this.symbolIf(','));
    }
    let limit: Expression | undefined;
    let offset: Expression | undefined;
    if (this.wordIf('LIMIT')) limit = this.expression();
    if (this.wordIf('OFFSET')) offset = this.expression();
    return { kind: 'select', table, items, where, orderBy, limit, offset };
  }

  private selectItem(): SelectItem {
    if (this.symbolIf('*')) return { kind: 'star' };
    const token = this.peek();
    if (token.kind === 'word' && AGGREGATES.has(token.text) && this.peekAt(1).text === '(') {
      this.next();
      this.symbol('(');
      const fn = token.text as AggregateFunction;
      let column: string | undefined;
      if (fn === 'COUNT' && this.symbolIf('*')) column = undefined;
      else column = this.identifier();
      this.symbol(')');
      return { kind: 'aggregate', fn, column, alias: this.alias() };
    }
    return { kind: 'column', column: this.qualifiedIdentifier(), alias: this.alias() };
  }

  private alias(): string | undefined {
    if (this.wordIf('AS')) return this.identifier();
    const token = this.peek();
    if ((token.kind === 'word' && !CLAUSE_WORDS.has(token.text)) || token.kind === 'quoted') return this.identifier();
    return undefined;
  }

  private insert(): Statement {
    const upsert = this.next().text === 'UPSERT';
    this.keyword('INTO');
    const table = this.identifier();
    let columns: string[] | undefined;
    if (this.symbolIf('(')) {
      columns = [];
      do columns.push(this.identifier());
      while (this.symbolIf(','));
      this.symbol(')');
    }
    this.keyword('VALUES');
    this.symbol('(');
    const values: Expression[] = [];
    do values.push(this.expression());
    while (this.symbolIf(','));
    this.symbol(')');
    return { kind: 'insert', upsert, table, columns, values };
  }

  private delete(): Statement {
    this.keyword('DELETE');
    this.keyword('FROM');
    const table = this.identifier();
    return { kind: 'delete', table, where: this.whereClause() };
  }

  private update(): Statement {
    this.keyword('UPDATE');
    const table = this.identifier();
    this.keyword('SET');
    const assignments: { column: string; value: Expression }[] = [];
    do {
      const column = this.identifier();
      this.symbol('=');
      assignments.push({ column, value: this.expression() });
    } while (this.symbolIf(','));
    return { kind: 'update', table, assignments, where: this.whereClause() };
  }

  private createTable(): Statement {
    this.keyword('CREATE');
    this.keyword('TABLE');
    const table = this.identifier();
    this.symbol('(');
    const columns: ColumnSpec[] = [];
    let primaryKey: string[] = [];
    let primaryKeyName: string | undefined;
    const uniques: UniqueSpec[] = [];
    do {
      const constraint = this.wordIf('CONSTRAINT') ? this.identifier() : undefined;
      if (this.wordIf('PRIMARY')) {
        this.keyword('KEY');
        primaryKey = this.columnList();
        primaryKeyName = constraint;
      } else if (this.peek().kind === 'word' && (this.peek().text === 'UNIQUE' || this.peek().text === 'ASSUMEUNIQUE') && this.peekAt(1).text === '(') {
        const kind = this.next().text as UniqueKind;
        uniques.push({ kind, columns: this.columnList(), ...(constraint === undefined ? {} : { name: constraint }) });
      } else {
        columns.push(this.columnSpec());
      }
    } while (this.symbolIf(','));
    this.symbol(')');
    const inline = columns.filter((c) => c.primaryKey).map((c) => c.name);
    if (inline.length > 0) primaryKey = inline;
    return { kind: 'create-table', table, columns, primaryKey, ...(primaryKeyName === undefined ? {} : { primaryKeyName }), uniques };
  }

  private columnSpec(): ColumnSpec {
    const name = this.identifier();
    let type = this.word('a column type');
    if (type === 'INT') type = 'INTEGER';
    if (type === 'DOUBLE') type = 'FLOAT';
    const spec: ColumnSpec = { name, type, inBytes: false, notNull: false, primaryKey: false, unique: null };
    if (this.symbolIf('(')) {
      spec.size = this.integerLiteral();
      if (this.wordIf('BYTES')) spec.inBytes = true;
      if (this.symbolIf(',')) this.integerLiteral(); // DECIMAL(p, s): VoltDB fixes 38, 12
      this.symbol(')');
    }
    for (;;) {
      if (this.wordIf('NOT')) {
        this.keyword('NULL');
        spec.notNull = true;
      } else if (this.wordIf('NULL')) {
        spec.notNull = false;
      } else if (this.wordIf('DEFAULT')) {
        spec.defaultValue = this.expression();
      } else if (this.wordIf('PRIMARY')) {
        this.keyword('KEY');
        spec.primaryKey = true;
      } else if (this.wordIf('UNIQUE')) {
        spec.unique = 'UNIQUE';
      } else if (this.wordIf('ASSUMEUNIQUE')) {
        spec.unique = 'ASSUMEUNIQUE';
      } else {
        return spec;
      }
    }
  }

  private partitionTable(): Statement {
    this.keyword('PARTITION');
    this.keyword('TABLE');
    const table = this.identifier();
    this.keyword('ON');
    this.keyword('COLUMN');
    return { kind: 'partition-table', table, column: this.identifier() };
  }

  private dropTable(): Statement {
    this.keyword('DROP');
    this.keyword('TABLE');
    let ifExists = false;
    if (this.wordIf('IF')) {
      this.keyword('EXISTS');
      ifExists = true;
    }
    const table = this.identifier();
    if (this.wordIf('IF')) {
      this.keyword('EXISTS');
      ifExists = true;
    }
    this.wordIf('CASCADE');
    return { kind: 'drop-table', table, ifExists };
  }

  // --- clauses and expressions ----------------------------------------------------------------

  private whereClause(): Condition[] {
    const where: Condition[] = [];
    if (!this.wordIf('WHERE')) return where;
    do where.push(this.condition());
    while (this.wordIf('AND'));
    return where;
  }

  private condition(): Condition {
    const column = this.qualifiedIdentifier();
    if (this.wordIf('IS')) {
      const negated = this.wordIf('NOT');
      this.keyword('NULL');
      return { kind: 'null-check', column, negated };
    }
    const token = this.next();
    if (token.kind !== 'symbol' || !OPERATORS.has(token.text)) throw this.unexpected(token);
    const op = (token.text === '!=' ? '<>' : token.text) as ComparisonOperator;
    return { kind: 'compare', column, op, value: this.expression() };
  }

  private columnList(): string[] {
    this.symbol('(');
    const names: string[] = [];
    do names.push(this.identifier());
    while (this.symbolIf(','));
    this.symbol(')');
    return names;
  }

  private integerLiteral(): number {
    const token = this.next();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw this.unexpected(token);
    return Number(token.text);
  }
}

/** Parse one statement of the subset. Anything else is a −2 syntax error in VoltDB's words. */
export function parseStatement(sql: string, firstParam = 0): ParsedStatement {
  return new Parser(sql, firstParam).parse();
}
