/**
 * The SQL the extraction writes for a table: a SELECT list, the caller's predicate and the
 * paging predicates ANDed together, ORDER BY the key, LIMIT (and OFFSET). Identifiers were
 * checked to be plain (options.ts), so they are written as they are.
 */

/** `where` wrapped in parentheses when it has an OR, so that ANDing a paging predicate cannot change its meaning. */
export function userPredicate(where: string): string {
  return /\bOR\b/i.test(where) ? `(${where})` : where;
}

/** ` WHERE a AND b …`, or '' when there is nothing to filter. */
export function whereClause(where: string | null, ...predicates: string[]): string {
  const parts = where === null ? predicates : [userPredicate(where), ...predicates];
  return parts.length === 0 ? '' : ` WHERE ${parts.join(' AND ')}`;
}

/** `SELECT cols FROM table[ WHERE …][ ORDER BY key][ LIMIT ?][ OFFSET ?]`. */
export function selectSql(parts: { columns: readonly string[]; table: string; where: string | null; predicates?: readonly string[]; orderBy?: string; limit?: boolean; offset?: boolean }): string {
  let sql = `SELECT ${parts.columns.join(', ')} FROM ${parts.table}${whereClause(parts.where, ...(parts.predicates ?? []))}`;
  if (parts.orderBy !== undefined) sql += ` ORDER BY ${parts.orderBy}`;
  if (parts.limit === true) sql += ' LIMIT ?';
  if (parts.offset === true) sql += ' OFFSET ?';
  return sql;
}

/** `SELECT COUNT(*)[, MIN(key), MAX(key)] FROM table[ WHERE …]`. */
export function statsSql(table: string, where: string | null, key?: string): string {
  const items = key === undefined ? 'COUNT(*)' : `COUNT(*), MIN(${key}), MAX(${key})`;
  return `SELECT ${items} FROM ${table}${whereClause(where)}`;
}
