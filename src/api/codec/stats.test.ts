import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ContainerStats } from '../../container/index.ts'
import { toStatsJson } from './stats.ts'

function sample(networks?: ContainerStats['networks']): ContainerStats {
  return {
    read: new Date('2026-01-01T00:00:00Z'),
    cgroup: 'v2',
    cpu: {
      totalNs: 1,
      userNs: 1,
      kernelNs: 0,
      systemNs: 10,
      onlineCpus: 2,
      throttling: { periods: 0, throttledPeriods: 0, throttledTimeNs: 0 },
    },
    memory: { usage: 1, limit: 2, stats: {} },
    pids: { current: 1 },
    blkio: { ioServiceBytes: [], ioServiced: [] },
    ...(networks ? { networks } : {}),
  }
}

describe('stats codec: networks', () => {
  it('encodes per-interface counters with Docker field names', () => {
    const eth0 = {
      rxBytes: 100,
      rxPackets: 2,
      rxErrors: 3,
      rxDropped: 4,
      txBytes: 50,
      txPackets: 1,
      txErrors: 0,
      txDropped: 5,
    }
    const json = toStatsJson({ id: 'abc', name: '/web', current: sample({ eth0 }) })
    assert.deepEqual(json.networks, {
      eth0: {
        rx_bytes: 100,
        rx_packets: 2,
        rx_errors: 3,
        rx_dropped: 4,
        tx_bytes: 50,
        tx_packets: 1,
        tx_errors: 0,
        tx_dropped: 5,
      },
    })
  })

  it('omits networks when there are none, or the container is not running', () => {
    assert.equal('networks' in toStatsJson({ id: 'abc', name: '/web', current: sample() }), false)
    assert.equal('networks' in toStatsJson({ id: 'abc', name: '/web', current: sample({}) }), false)
    assert.equal('networks' in toStatsJson({ id: 'abc', name: '/web' }), false)
  })
})
