import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storageDriverSuite } from './driver.suite.ts'
import { FsStorageDriver } from './fs.ts'

storageDriverSuite('fs', async () => new FsStorageDriver(await mkdtemp(join(tmpdir(), 'berth-fsdrv-'))))
