import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { NotFoundError } from '../lib/errors.ts'
import {
  parseBlkioV1,
  parseFlatKeyed,
  parseIoStatV2,
  parseNetDev,
  parseProcStatCpu,
  readCgroupStats,
  readNetworkStats,
} from './stats.ts'

async function fakeRoot(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'berth-cg-'))
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true })
    await writeFile(join(root, path), text)
  }
  return root
}

describe('cgroup stats', () => {
  it('parses flat keyed files, /proc/stat and blkio', () => {
    assert.deepEqual(parseFlatKeyed('cache 4096\nrss 8192\nbogus x\n'), { cache: 4096, rss: 8192 })
    assert.equal(parseProcStatCpu('cpu  100 0 50 850 0 0 0 0 0 0\ncpu0 1 2 3\n'), 1000 * 1e7)
    assert.deepEqual(parseBlkioV1('8:0 Read 4096\n8:0 Write 512\nTotal 4608\n'), [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 512 },
    ])
    const io = parseIoStatV2('8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n')
    assert.deepEqual(io.ioServiceBytes, [
      { major: 8, minor: 0, op: 'read', value: 10 },
      { major: 8, minor: 0, op: 'write', value: 20 },
    ])
  })

  it('reads v1 (and hybrid) hierarchies', async () => {
    const c = 'berth/abc'
    const root = await fakeRoot({
      [`cpuacct/${c}/cpuacct.usage`]: '5000\n',
      [`cpuacct/${c}/cpuacct.stat`]: 'user 2\nsystem 1\n',
      [`cpuacct/${c}/cpuacct.usage_percpu`]: '3000 2000 \n',
      [`memory/${c}/memory.usage_in_bytes`]: '1048576\n',
      [`memory/${c}/memory.max_usage_in_bytes`]: '2097152\n',
      [`memory/${c}/memory.limit_in_bytes`]: '67108864\n',
      [`memory/${c}/memory.stat`]: 'total_inactive_file 4096\n',
      [`pids/${c}/pids.current`]: '3\n',
      [`pids/${c}/pids.max`]: 'max\n',
    })
    try {
      for (const version of ['v1', 'hybrid'] as const) {
        const s = await readCgroupStats('/berth/abc', version, root)
        assert.equal(s.cgroup, 'v1')
        assert.equal(s.cpu.totalNs, 5000)
        assert.deepEqual(s.cpu.perCpuNs, [3000, 2000])
        assert.equal(s.cpu.userNs, 2e7)
        assert.equal(s.memory.usage, 1048576)
        assert.equal(s.memory.maxUsage, 2097152)
        assert.equal(s.memory.limit, 67108864)
        assert.equal(s.memory.stats.total_inactive_file, 4096)
        assert.deepEqual(s.pids, { current: 3, limit: undefined })
        assert.ok(s.cpu.systemNs > 0)
      }
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  it('reads v2 and throws NotFoundError for a missing cgroup', async () => {
    const root = await fakeRoot({
      'berth/abc/cpu.stat': 'usage_usec 7\nuser_usec 5\nsystem_usec 2\nnr_periods 0\n',
      'berth/abc/memory.current': '2048\n',
      'berth/abc/memory.max': 'max\n',
      'berth/abc/memory.stat': 'inactive_file 1024\n',
      'berth/abc/pids.current': '1\n',
      'berth/abc/pids.max': '100\n',
    })
    try {
      const s = await readCgroupStats('/berth/abc', 'v2', root)
      assert.equal(s.cpu.totalNs, 7000)
      assert.equal(s.memory.usage, 2048)
      assert.ok(s.memory.limit > 0) // unlimited: the host's memory, as Docker reports it
      assert.deepEqual(s.pids, { current: 1, limit: 100 })
      await assert.rejects(readCgroupStats('/berth/none', 'v2', root), NotFoundError)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})

describe('network stats', () => {
  const fixture = readFileSync(join(import.meta.dirname, 'testdata/proc-net-dev.txt'), 'utf8')

  it('parses /proc/<pid>/net/dev per interface, without lo', () => {
    assert.deepEqual(parseNetDev(fixture), {
      eth0: {
        rxBytes: 1393065366,
        rxPackets: 43665,
        rxErrors: 2,
        rxDropped: 5,
        txBytes: 3798768,
        txPackets: 29904,
        txErrors: 1,
        txDropped: 3,
      },
      eth1: {
        rxBytes: 866,
        rxPackets: 11,
        rxErrors: 0,
        rxDropped: 0,
        txBytes: 936,
        txPackets: 12,
        txErrors: 0,
        txDropped: 0,
      },
    })
    assert.deepEqual(
      parseNetDev('Inter-|\n face |\n    lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n bad: 1 2\n'),
      {},
    )
  })

  it('reads the namespace of a pid, and nothing when it is the host namespace or gone', async () => {
    const proc = await mkdtemp(join(tmpdir(), 'berth-proc-'))
    try {
      await mkdir(join(proc, 'self/ns'), { recursive: true })
      await mkdir(join(proc, '42/ns'), { recursive: true })
      await mkdir(join(proc, '42/net'), { recursive: true })
      await mkdir(join(proc, '7/ns'), { recursive: true })
      await symlink('net:[4026531840]', join(proc, 'self/ns/net'))
      await symlink('net:[4026532999]', join(proc, '42/ns/net'))
      await symlink('net:[4026531840]', join(proc, '7/ns/net'))
      await writeFile(join(proc, '42/net/dev'), fixture)
      assert.deepEqual(Object.keys((await readNetworkStats(42, proc)) ?? {}), ['eth0', 'eth1'])
      assert.equal(await readNetworkStats(7, proc), undefined, 'host namespace: no figures')
      assert.equal(await readNetworkStats(99, proc), undefined, 'process gone')
    } finally {
      await rm(proc, { recursive: true, force: true })
    }
  })
})
