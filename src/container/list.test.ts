import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { filterContainers } from './list.ts'
import type { ContainerRecord, HealthState } from './types.ts'

function rec(id: string, health?: HealthState['Status']): ContainerRecord {
  return {
    id,
    name: `/${id}`,
    created: `2026-01-01T00:00:0${id.length}Z`,
    config: { Labels: {} },
    state: { status: 'running', health: health ? { Status: health, FailingStreak: 0, Log: [] } : undefined },
  } as unknown as ContainerRecord
}

const list = (filters: Record<string, string[]>) =>
  filterContainers([rec('a', 'healthy'), rec('bb', 'unhealthy'), rec('ccc', 'starting'), rec('dddd')], {
    all: true,
    filters,
    imageIdOf: () => undefined,
    lookup: () => assert.fail('no lookup'),
  }).map((c) => c.id)

describe('filterContainers health', () => {
  it('matches starting, healthy, unhealthy and none', () => {
    assert.deepEqual(list({ health: ['healthy'] }), ['a'])
    assert.deepEqual(list({ health: ['unhealthy', 'starting'] }), ['ccc', 'bb'])
    assert.deepEqual(list({ health: ['none'] }), ['dddd'])
  })

  it('rejects other values', () => {
    assert.throws(() => list({ health: ['sick'] }), /Unrecognised filter value for health: sick/)
  })
})
