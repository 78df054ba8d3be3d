// Public surface of the image domain.

export { type AuthConfig, decodeRegistryAuth, INDEX_SERVER, toAuthConfig } from './auth/index.ts'
export type { LayerCommitRequest } from './build-commit.ts'
export { EMPTY_TAR_DIFF_ID, packUpperDir } from './commit.ts'
export type { ImageView, UsageProbe } from './core.ts'
export type { HistoryRow } from './history.ts'
export { ImageService, type ImageServiceOptions } from './image-service.ts'
export * from './image-service-contract.ts'
export { type ImportOptions, parsePlatform } from './import.ts'
export type { RegistryOptions } from './registry-client/index.ts'
