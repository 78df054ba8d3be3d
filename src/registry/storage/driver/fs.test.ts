import { tempDir } from '../../testing.ts'
import { storageDriverSuite } from './driver.suite.ts'
import { FsStorageDriver } from './fs.ts'

storageDriverSuite('fs', async () => new FsStorageDriver(await tempDir('berth-fsdrv-')))
