// Public surface of the volume domain.
export { localVolumePaths, validateLocalOptions } from './drivers/local.ts'
export * from './errors.ts'
export * from './types.ts'
export * from './volume-service.ts'
