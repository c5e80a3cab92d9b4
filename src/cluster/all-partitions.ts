/**
 * `callAllPartitions(procedure, params)`: run a single-partition procedure once on every
 * partition — "run everywhere" queries such as per-partition counts or cleanups.
 *
 * `@GetPartitionKeys` gives, for every partition, a key value that hashes there (cached per key
 * kind until the ring changes). Each call passes that partition's key as the procedure's
 * partitioning parameter — inserted at the catalog's `partitionParameter` index (the first
 * parameter when the catalog does not know the procedure, as VoltDB's Java client requires)
 * — so it hashes to, and is routed to, that partition's leader. The key kind follows the
 * partition column's type (INTEGER keys for integer columns, STRING for VARCHAR, VARBINARY
 * for VARBINARY), so the server's own hashing lands each call on the intended partition.
 *
 * The result has one settled entry per partition, ascending by partition: it never rejects
 * because one partition failed.
 */
import { ParameterError } from '../errors.js';
import { VOLT_TYPE } from '../protocol/constants.js';
import type { ProcedureInfo, PartitionKey } from './topology.js';

/** One partition's outcome. */
export type PartitionResult<R> =
  | { partition: number; key: unknown; ok: true; response: R }
  | { partition: number; key: unknown; ok: false; error: Error };

/** What `callAllPartitions` needs from the cluster layer. */
export interface AllPartitionsSource {
  procedure(name: string): ProcedureInfo | undefined;
  partitionKeys(type: number): Promise<PartitionKey[]>;
}

/** Where the key goes and which type it is hashed as, for `procedure`. */
export function partitionTarget(source: AllPartitionsSource, procedure: string): { index: number; type: number } {
  const info = source.procedure(procedure);
  if (info === undefined) return { index: 0, type: VOLT_TYPE.INTEGER };
  if (!info.singlePartition || info.partitionParameter < 0) {
    throw new ParameterError(`callAllPartitions needs a single-partition procedure; the catalog says ${procedure} is ${info.singlePartition ? 'directed (no partitioning parameter)' : 'multi-partition'}`, { procedure });
  }
  return { index: info.partitionParameter, type: info.partitionParameterType < 0 ? VOLT_TYPE.INTEGER : info.partitionParameterType };
}

/** Run `procedure` once per partition through `call`; one settled result per partition. */
export async function callAllPartitions<R>(
  source: AllPartitionsSource,
  call: (procedure: string, params: readonly unknown[]) => Promise<R>,
  procedure: string,
  params: readonly unknown[] = [],
): Promise<PartitionResult<R>[]> {
  if (typeof procedure !== 'string' || procedure === '') throw new ParameterError('procedure name must be a non-empty string');
  if (!Array.isArray(params)) throw new ParameterError(`parameters of ${procedure} must be an array`, { procedure });
  const { index, type } = partitionTarget(source, procedure);
  if (index > params.length) {
    throw new ParameterError(`${procedure} is partitioned on parameter ${index + 1}, but only ${params.length} other parameters were given`, { procedure, index });
  }
  const keys = await source.partitionKeys(type);
  return Promise.all(
    keys.map(({ partition, key }) => {
      const withKey = [...params.slice(0, index), key, ...params.slice(index)];
      return call(procedure, withKey).then(
        (response): PartitionResult<R> => ({ partition, key, ok: true, response }),
        (error: unknown): PartitionResult<R> => ({ partition, key, ok: false, error: error instanceof Error ? error : new Error(String(error)) }),
      );
    }),
  );
}
