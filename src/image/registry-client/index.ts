// Public surface of the registry client: endpoints, the per-repository client, token cache.
export { type RegistryEndpoint, registryEndpoint } from './endpoints.ts'
export { isAbort } from './errors.ts'
export { Registries, type RegistryOptions } from './registries.ts'
export {
  type FetchedManifest,
  RegistryClient,
  RegistryNotFoundError,
  type UploadOptions,
} from './registry-client.ts'
export { TokenCache } from './token-cache.ts'
