/** The cluster layer: many connections, partition-aware routing, reconnects, keepalive, topology. */
export { callAllPartitions, partitionTarget, type AllPartitionsSource, type PartitionResult } from './all-partitions.js';
export { CLUSTER_DEFAULTS, resolveClusterOptions, type ClusterOptions, type ResolvedClusterOptions } from './cluster-options.js';
export { ConnectionSet, type ClusterEvents, type ConnectionOpener, type ConnectResult, type HostStatus } from './connection-set.js';
export { DEFAULT_CLIENT_PORT, MAX_WEIGHT, MIN_WEIGHT, hostKey, parseClusterHost, parseHostList, type ClusterHost, type ClusterHostSpec, type HostAddress } from './host-list.js';
export { callOn } from './internal-call.js';
export { Keepalive, type KeepaliveOptions } from './keepalive.js';
export { NO_PARTITION, PartitionRouter, type RouteInfo } from './partition-router.js';
export { DEFAULT_BACKOFF, Reconnector, backoffDelay, type BackoffOptions } from './reconnector.js';
export { DEFAULT_RETRY_ATTEMPTS, RetryPolicy, isConnectionLoss, resolveRetryOptions, type RetryOnConnectionLoss, type RetryOptions } from './retry.js';
export { parseOverview, parsePartitionKeys, parseProcedures, parseTopology, partitionKeyKind, sameTopology, type ClusterTopology, type HostLocation, type PartitionKey, type PartitionPlacement, type ProcedureInfo } from './topology.js';
export { TopologyTracker, type TopologySource } from './topology-tracker.js';
export { noConnections, startupError } from './connect-errors.js';
export { pickWeighted, type Weighted } from './weighted-picker.js';
