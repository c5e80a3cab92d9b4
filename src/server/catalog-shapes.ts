/**
 * The column shapes of `@SystemCatalog(selector)` answers: names and types exactly as the real
 * 11.4 server sends them (PROCEDURES, TABLES, COLUMNS, PROCEDURECOLUMNS, INDEXINFO,
 * PRIMARYKEYS and CLASSES are checked against captures; the others follow the server's
 * metadata generator, which the captures do not cover).
 */
import { VOLT_TYPE } from '../protocol/constants.js';
import type { ColumnInfo } from '../protocol/response-reader.js';

const S = VOLT_TYPE.STRING;
const I = VOLT_TYPE.INTEGER;
const SMALL = VOLT_TYPE.SMALLINT;
const TINY = VOLT_TYPE.TINYINT;

function columns(spec: [string, number][]): ColumnInfo[] {
  return spec.map(([name, type]) => ({ name, type }));
}

export const PROCEDURES_SHAPE = columns([
  ['PROCEDURE_CAT', S],
  ['PROCEDURE_SCHEM', S],
  ['PROCEDURE_NAME', S],
  ['RESERVED1', S],
  ['RESERVED2', S],
  ['RESERVED3', S],
  ['REMARKS', S],
  ['PROCEDURE_TYPE', SMALL],
  ['SPECIFIC_NAME', S],
]);

export const TABLES_SHAPE = columns([
  ['TABLE_CAT', S],
  ['TABLE_SCHEM', S],
  ['TABLE_NAME', S],
  ['TABLE_TYPE', S],
  ['REMARKS', S],
  ['TYPE_CAT', S],
  ['TYPE_SCHEM', S],
  ['TYPE_NAME', S],
  ['SELF_REFERENCING_COL_NAME', S],
  ['REF_GENERATION', S],
]);

export const COLUMNS_SHAPE = columns([
  ['TABLE_CAT', S],
  ['TABLE_SCHEM', S],
  ['TABLE_NAME', S],
  ['COLUMN_NAME', S],
  ['DATA_TYPE', I],
  ['TYPE_NAME', S],
  ['COLUMN_SIZE', I],
  ['BUFFER_LENGTH', I],
  ['DECIMAL_DIGITS', I],
  ['NUM_PREC_RADIX', I],
  ['NULLABLE', I],
  ['REMARKS', S],
  ['COLUMN_DEF', S],
  ['SQL_DATA_TYPE', I],
  ['SQL_DATETIME_SUB', I],
  ['CHAR_OCTET_LENGTH', I],
  ['ORDINAL_POSITION', I],
  ['IS_NULLABLE', S],
  ['SCOPE_CATALOG', S],
  ['SCOPE_SCHEMA', S],
  ['SCOPE_TABLE', S],
  ['SOURCE_DATA_TYPE', SMALL],
  ['IS_AUTOINCREMENT', S],
]);

export const PROCEDURECOLUMNS_SHAPE = columns([
  ['PROCEDURE_CAT', S],
  ['PROCEDURE_SCHEM', S],
  ['PROCEDURE_NAME', S],
  ['COLUMN_NAME', S],
  ['COLUMN_TYPE', SMALL],
  ['DATA_TYPE', I],
  ['TYPE_NAME', S],
  ['PRECISION', I],
  ['LENGTH', I],
  ['SCALE', SMALL],
  ['RADIX', SMALL],
  ['NULLABLE', SMALL],
  ['REMARKS', S],
  ['COLUMN_DEF', S],
  ['SQL_DATA_TYPE', I],
  ['SQL_DATETIME_SUB', I],
  ['CHAR_OCTET_LENGTH', I],
  ['ORDINAL_POSITION', I],
  ['IS_NULLABLE', S],
  ['SPECIFIC_NAME', S],
]);

export const INDEXINFO_SHAPE = columns([
  ['TABLE_CAT', S],
  ['TABLE_SCHEM', S],
  ['TABLE_NAME', S],
  ['NON_UNIQUE', TINY],
  ['INDEX_QUALIFIER', S],
  ['INDEX_NAME', S],
  ['TYPE', SMALL],
  ['ORDINAL_POSITION', SMALL],
  ['COLUMN_NAME', S],
  ['ASC_OR_DESC', S],
  ['CARDINALITY', I],
  ['PAGES', I],
  ['FILTER_CONDITION', S],
]);

export const PRIMARYKEYS_SHAPE = columns([
  ['TABLE_CAT', S],
  ['TABLE_SCHEM', S],
  ['TABLE_NAME', S],
  ['COLUMN_NAME', S],
  ['KEY_SEQ', SMALL],
  ['PK_NAME', S],
]);

export const CLASSES_SHAPE = columns([
  ['CLASS_NAME', S],
  ['VOLT_PROCEDURE', TINY],
  ['ACTIVE_PROC', TINY],
]);

export const TYPEINFO_SHAPE = columns([
  ['TYPE_NAME', S],
  ['DATA_TYPE', I],
  ['PRECISION', I],
  ['LITERAL_PREFIX', S],
  ['LITERAL_SUFFIX', S],
  ['CREATE_PARAMS', S],
  ['NULLABLE', SMALL],
  ['CASE_SENSITIVE', TINY],
  ['SEARCHABLE', SMALL],
  ['UNSIGNED_ATTRIBUTE', TINY],
  ['FIXED_PREC_SCALE', TINY],
  ['AUTO_INCREMENT', TINY],
  ['LOCAL_TYPE_NAME', S],
  ['MINIMUM_SCALE', SMALL],
  ['MAXIMUM_SCALE', SMALL],
  ['SQL_DATA_TYPE', I],
  ['SQL_DATETIME_SUB', I],
  ['NUM_PREC_RADIX', I],
]);

export const USERS_SHAPE = columns([
  ['USER', S],
  ['ROLES', S],
]);

export const ROLES_SHAPE = columns([
  ['ROLE', S],
  ['PERMISSIONS', S],
]);

export const FUNCTIONS_SHAPE = columns([
  ['FUNCTION_TYPE', S],
  ['FUNCTION_NAME', S],
  ['CLASS_NAME', S],
  ['METHOD_NAME', S],
]);

export const TASKS_SHAPE = columns([
  ['TASK_NAME', S],
  ['SCHEDULER_CLASS', S],
  ['SCHEDULER_PARAMETERS', S],
  ['ACTIONS_CLASS', S],
  ['ACTIONS_PARAMETERS', S],
  ['SCHEDULE_CLASS', S],
  ['SCHEDULE_PARAMETERS', S],
  ['ON_ERROR', S],
  ['RUN_LOCATION', S],
  ['USER', S],
  ['ENABLED', S],
]);

export const TOPICS_SHAPE = columns([
  ['TOPIC_NAME', S],
  ['IS_SINGLE', S],
  ['IS_OPAQUE', S],
  ['STREAM_NAME', S],
  ['PROCEDURE_NAME', S],
]);
