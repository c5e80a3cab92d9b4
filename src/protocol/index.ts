/**
 * `voltwire/protocol`: the wire codec, public and stable.
 *
 * A facade, not a layer: it re-exports the pure codec of `src/protocol` and, for convenience,
 * `decodeResponse` and the `VoltTable` it returns, which live in `src/decode`.
 */
export * from './constants.js';
export { BufferReader, decodeUtf8 } from './buffer-reader.js';
export { BufferWriter, allocateSlab, type SlabSource } from './buffer-writer.js';
export {
  Decimal,
  DECIMAL_MAX_UNSCALED,
  DECIMAL_NULL_UNSCALED,
  decimalFromUnscaled,
  readUnscaledDecimal,
  toUnscaledDecimal,
  writeUnscaledDecimal,
  type DecimalInput,
} from './decimal.js';
export {
  Geography,
  GeographyPoint,
  geographyByteLength,
  readGeography,
  readGeographyPoint,
  writeGeography,
  writeGeographyPoint,
  type LngLat,
} from './geography.js';
export { VoltDate } from './volt-date.js';
export { inferType, writeValue, type ValueContext } from './value-writer.js';
export { readValue, type TimestampMode } from './value-reader.js';
export { writeParameters, type ParameterType } from './invocation-writer.js';
export { readParameters, type DecodedParameters } from './invocation-reader.js';
export { writeTable, type TableColumn, type TableLike } from './value-writer.js';
export { readTable, type TableData } from './value-reader.js';
export { EncodedTable, TableBuilder } from './table-builder.js';
export { encodeInvocation, writeInvocation, type InvocationRequest } from './invocation-writer.js';
export { decodeInvocation, type DecodedInvocation, type InvocationExtensions } from './invocation-reader.js';
export {
  decodeLoginRequest,
  decodeLoginResponse,
  encodeLoginRequest,
  encodeLoginResponse,
  hashPassword,
  type DecodedLoginRequest,
  type HashSchemeName,
  type LoginRequestOptions,
  type LoginResponse,
} from './login.js';
export {
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_OWN_BUFFER_AT_BYTES,
  FrameDecoder,
  type FrameDecoderOptions,
} from './frame-decoder.js';
export {
  decodeSerializedException,
  encodeResponse,
  encodeSerializedException,
  exceptionTypeName,
  peekHandle,
  readResponseHandle,
  readResponseHeader,
  readTableLayout,
  tableLayouts,
  writeResponse,
  type ColumnInfo,
  type ResponseHeader,
  type ResponseInput,
  type SerializedException,
  type TableInput,
  type TableLayout,
} from './response.js';
export { Hashinator, hashValue } from './hashinator.js';
export { murmur3Hash32 } from './hashinator-bytes.js';
// Straight from their modules, not through `decode/index.ts`, which also exports the worker pool:
// this entry point loads no worker code (no piscina).
export { decodeResponse, type DecodedResponse, type DecodeOptions } from '../decode/decode-response.js';
export { VoltTable } from '../decode/volt-table.js';
export { Column } from '../decode/column.js';
