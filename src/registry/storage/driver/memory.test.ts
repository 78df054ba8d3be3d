import { storageDriverSuite } from './driver.suite.ts'
import { MemoryStorageDriver } from './memory.ts'

storageDriverSuite('memory', async () => new MemoryStorageDriver())
