import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cgroupVersionFromMountinfo } from './cgroups.ts'

const line = (mountPoint: string, fsType: string) =>
  `30 23 0:26 / ${mountPoint} rw,nosuid shared:4 - ${fsType} ${fsType} rw`

describe('cgroupVersionFromMountinfo', () => {
  it('tells v1, v2 and hybrid apart', () => {
    const v1 = [
      line('/sys/fs/cgroup', 'tmpfs'),
      line('/sys/fs/cgroup/memory', 'cgroup'),
      line('/sys/fs/cgroup/pids', 'cgroup'),
    ]
    assert.equal(cgroupVersionFromMountinfo(v1.join('\n')), 'v1')
    assert.equal(
      cgroupVersionFromMountinfo([...v1, line('/sys/fs/cgroup/unified', 'cgroup2')].join('\n')),
      'hybrid',
    )
    assert.equal(cgroupVersionFromMountinfo(line('/sys/fs/cgroup', 'cgroup2')), 'v2')
  })
  it('ignores cgroup mounts elsewhere (e.g. inside containers)', () => {
    const text = [line('/sys/fs/cgroup', 'cgroup2'), line('/var/lib/x/sys/fs/cgroup/memory', 'cgroup')].join(
      '\n',
    )
    assert.equal(cgroupVersionFromMountinfo(text), 'v2')
  })
})
