import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseChallenges } from './challenge.ts'

describe('parseChallenges', () => {
  it('parses a Bearer challenge with quoted commas', () => {
    assert.deepEqual(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"',
      ),
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/busybox:pull,push',
          },
        },
      ],
    )
  })
  it('parses Basic and several challenges', () => {
    assert.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ])
    const two = parseChallenges('Basic realm="a", Bearer realm="http://x/token",service=x')
    assert.deepEqual(
      two.map((c) => c.scheme),
      ['basic', 'bearer'],
    )
    assert.equal(two[1]?.params.service, 'x')
  })
  it('tolerates empty input', () => {
    assert.deepEqual(parseChallenges(''), [])
    assert.deepEqual(parseChallenges(undefined), [])
  })
})
