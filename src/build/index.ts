// Public surface of the builder.
export { BuildService, type BuildServiceDeps } from './build-service.ts'
export type * from './build-service-contract.ts'
