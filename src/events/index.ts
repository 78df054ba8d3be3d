export * from './event-bus.ts'
export * from './event-log.ts'
export * from './filters.ts'
