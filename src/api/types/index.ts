// Engine API v1.47 wire types (the JSON the daemon sends and receives). No logic: the daemon's
// api/codec/ validates bodies into domain types; client/ and cli/ consume responses as these shapes.
export type * from './common.ts'
export type * from './container.ts'
export type * from './image.ts'
export type * from './network.ts'
export type * from './system.ts'
