import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ContainerStatsResponse } from '../../client/index.ts'
import { cpuPercent, memoryUsage, statsRow } from './stats-format.ts'

const sample = (o: Partial<ContainerStatsResponse> = {}): ContainerStatsResponse => ({
  name: '/web',
  id: 'abcdef0123456789abcdef',
  read: '2024-01-01T00:00:01Z',
  preread: '2024-01-01T00:00:00Z',
  pids_stats: { current: 2 },
  blkio_stats: { io_service_bytes_recursive: [{ major: 8, minor: 0, op: 'Read', value: 2000 }] },
  cpu_stats: {
    cpu_usage: { total_usage: 2e9, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    system_cpu_usage: 6e9,
    online_cpus: 2,
  },
  precpu_stats: {
    cpu_usage: { total_usage: 1e9, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    system_cpu_usage: 4e9,
  },
  memory_stats: {
    usage: 10 * 1024 * 1024,
    limit: 64 * 1024 * 1024,
    stats: { total_inactive_file: 2 * 1024 * 1024 },
  },
  ...o,
})

describe('stats format', () => {
  it('computes docker figures', () => {
    assert.equal(cpuPercent(sample()), 100)
    assert.equal(memoryUsage(sample()), 8 * 1024 * 1024)
    assert.deepEqual(statsRow(sample(), 'web', { trunc: true }), {
      Container: 'web',
      ID: 'abcdef012345',
      Name: 'web',
      CPUPerc: '100.00%',
      MemUsage: '8MiB / 64MiB',
      MemPerc: '12.50%',
      NetIO: '0B / 0B',
      BlockIO: '2kB / 0B',
      PIDs: '2',
    })
  })

  it('shows zeroes for a stopped container', () => {
    const row = statsRow(sample({ read: '0001-01-01T00:00:00Z' }), 'web', { trunc: true })
    assert.equal(row.CPUPerc, '0.00%')
    assert.equal(row.MemUsage, '0B / 0B')
  })

  it('sums NET I/O over the interfaces', () => {
    const networks = {
      eth0: { rx_bytes: 1500, tx_bytes: 648 },
      eth1: { rx_bytes: 1_000_000, tx_bytes: 352 },
    }
    assert.equal(statsRow(sample({ networks }), 'web', { trunc: true }).NetIO, '1MB / 1kB')
  })
})
