import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resourceLimits } from './oci-spec.ts'
import { validateResources } from './resource-checks.ts'

describe('validateResources', () => {
  it('refuses more CPUs than the host has, or a negative count, with dockerd’s message', () => {
    assert.throws(
      () => validateResources({ NanoCpus: 99e9 }, 2),
      /^InvalidArgumentError: Range of CPUs is from 0\.01 to 2\.00, as there are only 2 CPUs available$/,
    )
    assert.throws(
      () => validateResources({ NanoCpus: -1 }, 4),
      /from 0\.01 to 4\.00, as there are only 4 CPUs/,
    )
    validateResources({ NanoCpus: 2e9 }, 2)
    validateResources({ NanoCpus: 0 }, 1)
  })
  it('refuses NanoCpus together with CPU period or quota', () => {
    assert.throws(
      () => validateResources({ NanoCpus: 1e9, CpuPeriod: 100000 }, 2),
      /Nano CPUs and CPU Period/,
    )
    assert.throws(() => validateResources({ NanoCpus: 1e9, CpuQuota: 50000 }, 2), /Nano CPUs and CPU Quota/)
  })
  it('checks memory swappiness, -1 and null meaning unset', () => {
    for (const ok of [-1, 0, 60, 100, null, undefined]) validateResources({ MemorySwappiness: ok }, 2)
    assert.throws(
      () => validateResources({ MemorySwappiness: 101 }, 2),
      /^InvalidArgumentError: Invalid value: 101, valid memory swappiness range is 0-100$/,
    )
    assert.throws(() => validateResources({ MemorySwappiness: -2 }, 2), /Invalid value: -2/)
  })

  it('a valid swappiness becomes linux.resources.memory.swappiness on cgroup v1 (and hybrid)', () => {
    const v1 = resourceLimits({ memorySwappiness: 0 }, { version: 'hybrid', swap: true })
    assert.deepEqual(v1.memory, { swappiness: 0 })
    assert.equal(resourceLimits({ memorySwappiness: -1 }, { version: 'v1', swap: true }).memory, undefined)
  })
})
