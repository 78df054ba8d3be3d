import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { describe, it } from 'node:test'
import type { HostConfig } from './types.ts'
import { changesResources, mergeUpdate } from './update.ts'

const base = {
  Memory: 0,
  MemorySwap: 0,
  MemoryReservation: 0,
  NanoCpus: 0,
  CpuShares: 0,
  CpuPeriod: 0,
  CpuQuota: 0,
  CpusetCpus: '',
  AutoRemove: false,
  RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
} as unknown as HostConfig

describe('mergeUpdate', () => {
  it('merges given fields; zero means unchanged', () => {
    const hc = { ...base, Memory: 64 << 20, CpuShares: 512 }
    const out = mergeUpdate(hc, {
      Memory: 0,
      CpuShares: 1024,
      PidsLimit: 9,
      RestartPolicy: { Name: 'always' },
    })
    assert.equal(out.Memory, 64 << 20)
    assert.equal(out.CpuShares, 1024)
    assert.equal(out.PidsLimit, 9)
    assert.deepEqual(out.RestartPolicy, { Name: 'always', MaximumRetryCount: 0 })
    assert.equal(hc.CpuShares, 512, 'the input is not changed')
  })

  it("applies dockerd's checks", () => {
    assert.throws(
      () => mergeUpdate({ ...base, AutoRemove: true }, { RestartPolicy: { Name: 'always' } }),
      /AutoRemove/,
    )
    assert.throws(
      () => mergeUpdate({ ...base, NanoCpus: 5e8 }, { CpuQuota: 1000 }),
      /CPU Quota cannot be updated/,
    )
    assert.throws(
      () => mergeUpdate({ ...base, CpuPeriod: 100000 }, { NanoCpus: 1e9 }),
      /NanoCPUs cannot be updated/,
    )
    assert.throws(
      () => mergeUpdate({ ...base, Memory: 64 << 20, MemorySwap: 128 << 20 }, { Memory: 256 << 20 }),
      /update the memoryswap at the same time/,
    )
    assert.throws(() => mergeUpdate(base, { Memory: 1 << 20 }), /Minimum memory limit allowed is 6MB/)
    assert.throws(() => mergeUpdate(base, { MemorySwap: 64 << 20 }), /always set the Memory limit/)
    assert.throws(
      () => mergeUpdate(base, { RestartPolicy: { Name: 'always', MaximumRetryCount: 2 } }),
      /only be used with 'on-failure'/,
    )
    assert.throws(
      () => mergeUpdate(base, { RestartPolicy: { Name: 'sometimes' as 'always' } }),
      /invalid restart policy/,
    )
    assert.throws(
      () => mergeUpdate(base, { NanoCpus: (availableParallelism() + 1) * 1e9 }),
      /Range of CPUs is from 0\.01 to \d+\.00, as there are only \d+ CPUs available/,
    )
    assert.throws(() => mergeUpdate(base, { NanoCpus: 1e9, CpuQuota: 1000 }), /Nano CPUs and CPU Quota/)
  })

  it('knows when the cgroup must change', () => {
    assert.equal(changesResources({ RestartPolicy: { Name: 'always' } }), false)
    assert.equal(changesResources({ PidsLimit: -1 }), true)
    assert.equal(changesResources({ Memory: 0, CpusetCpus: '0' }), true)
  })
})
