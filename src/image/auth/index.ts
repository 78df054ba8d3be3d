// Registry credentials as they reach the daemon (X-Registry-Auth, POST /auth bodies).
export {
  type AuthConfig,
  decodeRegistryAuth,
  hasCredentials,
  INDEX_SERVER,
  registryDomainOf,
  toAuthConfig,
} from './auth-config.ts'
