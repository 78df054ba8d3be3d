import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../lib/errors.ts'
import { applyChanges } from './changes.ts'

describe('applyChanges', () => {
  it('applies every supported instruction', () => {
    const c = applyChanges({ Env: ['PATH=/bin'] }, [
      'CMD ["/bin/sh", "-c", "echo hi"]',
      'ENTRYPOINT /bin/echo hello',
      'ENV A=1 B="two words" PATH=/usr/bin',
      'ENV LEGACY some value',
      'EXPOSE 80 53/udp 1000-1001',
      'LABEL a=b "c d"=e',
      'USER nobody:nogroup',
      'VOLUME ["/data", "/logs"]',
      'WORKDIR /app',
      'WORKDIR sub',
      'STOPSIGNAL SIGINT',
    ])
    assert.deepEqual(c.Cmd, ['/bin/sh', '-c', 'echo hi'])
    assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c', '/bin/echo hello'])
    assert.deepEqual(c.Env, ['PATH=/usr/bin', 'A=1', 'B=two words', 'LEGACY=some value'])
    assert.deepEqual(Object.keys(c.ExposedPorts ?? {}), ['80/tcp', '53/udp', '1000/tcp', '1001/tcp'])
    assert.deepEqual(c.Labels, { a: 'b', 'c d': 'e' })
    assert.equal(c.User, 'nobody:nogroup')
    assert.deepEqual(Object.keys(c.Volumes ?? {}), ['/data', '/logs'])
    assert.equal(c.WorkingDir, '/app/sub')
    assert.equal(c.StopSignal, 'SIGINT')
  })
  it('rejects other instructions', () => {
    assert.throws(
      () => applyChanges({}, ['RUN echo']),
      (e: unknown) =>
        e instanceof InvalidArgumentError && /run is not a valid change command/.test(e.message),
    )
    assert.throws(() => applyChanges({}, ['EXPOSE abc']), InvalidArgumentError)
  })
})
