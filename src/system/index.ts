export * from './system-service.ts'
