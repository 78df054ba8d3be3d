export * from './event-bus.ts'
export * from './filters.ts'
