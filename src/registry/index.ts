// Public surface of registry/: the berth-registry server, its config, storage and drivers.
export { type AccessLogEntry, createRegistryApp, type RegistryAppDeps } from './app.ts'
export { runRegistryCommand } from './command.ts'
export { loadConfig, parseFlags, type RegistryConfig } from './config.ts'
export { type RunningRegistry, startRegistry } from './server.ts'
export type { StorageDriver } from './storage/driver/driver.ts'
export { FsStorageDriver } from './storage/driver/fs.ts'
export { MemoryStorageDriver } from './storage/driver/memory.ts'
export { RegistryStorage } from './storage/registry-storage.ts'
