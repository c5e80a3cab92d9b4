/**
 * Invocation responses (PROTOCOL.md 5): the client side reads a header and the layout of its
 * tables (response-reader.ts); the server side writes whole response frames
 * (response-writer.ts). One module to import from.
 */
export {
  peekHandle,
  readResponseHandle,
  emptyResponseHeader,
  readResponseHeader,
  readTableLayout,
  tableLayouts,
  type ColumnInfo,
  type ResponseHeader,
  type TableLayout,
} from './response-reader.js';
export type { SerializedException } from './exception.js';
export { encodeResponse, writeResponse, type ResponseInput, type TableInput } from './response-writer.js';
export { decodeSerializedException, encodeSerializedException, exceptionTypeName } from './exception.js';
