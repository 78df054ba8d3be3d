// Public surface of client/: the typed Engine API client, endpoint parsing, errors, stream helpers.

export { DEFAULT_HOST, type Endpoint, parseEndpoint, resolveHost, type TlsSettings } from './endpoint.ts'
export type {
  AttachResult,
  BuildPruneResponse,
  ContainerPathStat,
  EngineClientOptions,
  ImageBuildOptions,
  PingResult,
  RegistryAuthConfig,
  StreamResult,
  VolumeListResponse,
  VolumePruneResponse,
} from './engine-client.ts'
export {
  CLIENT_API_VERSION,
  EngineClient,
  encodeFilters,
  encodeRegistryAuth,
  type Filters,
  negotiate,
} from './engine-client.ts'
export { DaemonUnreachableError, EngineApiError, isEngineApiError } from './errors.ts'
export type {
  BlkioStatEntry,
  ContainerStatsResponse,
  CpuStatsJson,
  ExecConfigRequest,
  ExecInspectResponse,
} from './exec-types.ts'
export { jsonLines } from './json-stream.ts'
export { demultiplex, encodeFrame, type Frame, FrameDecoder, type StreamType } from './stdcopy.ts'
