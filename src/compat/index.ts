/**
 * The API of VoltDB's documented Python client, in TypeScript: `FastSerializer`,
 * `VoltProcedure`, `VoltResponse`, `VoltTable`, `VoltColumn`, `VoltException` and the
 * `VOLTTYPE_*` / `VOLTEXCEPTION_*` constants — a thin layer over voltwire's client and tables.
 * See docs/coming-from.md.
 */
export { FastSerializer, type FastSerializerOptions } from './fast-serializer.js';
export { VoltProcedure } from './volt-procedure.js';
export { VoltResponse, statusText } from './volt-response.js';
export { VoltTable } from './volt-table.js';
export {
  VoltColumn,
  VoltException,
  parameterTypeOf,
  type VoltTypeSpec,
  VOLTTYPE_NULL,
  VOLTTYPE_TINYINT,
  VOLTTYPE_SMALLINT,
  VOLTTYPE_INTEGER,
  VOLTTYPE_BIGINT,
  VOLTTYPE_FLOAT,
  VOLTTYPE_STRING,
  VOLTTYPE_TIMESTAMP,
  VOLTTYPE_DATE,
  VOLTTYPE_VOLTTABLE,
  VOLTTYPE_DECIMAL,
  VOLTTYPE_DECIMAL_STRING,
  VOLTTYPE_VARBINARY,
  VOLTTYPE_GEOGRAPHY_POINT,
  VOLTTYPE_GEOGRAPHY,
  VOLTEXCEPTION_NONE,
  VOLTEXCEPTION_EEEXCEPTION,
  VOLTEXCEPTION_SQLEXCEPTION,
  VOLTEXCEPTION_CONSTRAINTFAILURE,
  VOLTEXCEPTION_GENERIC,
} from './volt-types.js';
