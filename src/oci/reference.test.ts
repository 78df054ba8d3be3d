import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../lib/errors.ts'
import {
  familiarName,
  familiarString,
  parseDockerRef,
  parseNormalizedNamed,
  parseTag,
  refString,
} from './reference.ts'

const HEX = 'a'.repeat(64)

describe('parseDockerRef', () => {
  const cases: Array<[string, string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['index.docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['foo/bar', 'docker.io/foo/bar:latest', 'foo/bar:latest'],
    ['localhost:5000/a/b:t', 'localhost:5000/a/b:t', 'localhost:5000/a/b:t'],
    ['localhost/a', 'localhost/a:latest', 'localhost/a:latest'],
    ['Registry.Example.com/x', 'Registry.Example.com/x:latest', 'Registry.Example.com/x:latest'],
    ['[::1]:5000/x:y', '[::1]:5000/x:y', '[::1]:5000/x:y'],
    ['a.b/c__d.e-f---g', 'a.b/c__d.e-f---g:latest', 'a.b/c__d.e-f---g:latest'],
    [`busybox@sha256:${HEX}`, `docker.io/library/busybox@sha256:${HEX}`, `busybox@sha256:${HEX}`],
    [`busybox:1@sha256:${HEX}`, `docker.io/library/busybox@sha256:${HEX}`, `busybox@sha256:${HEX}`],
  ]
  for (const [input, full, familiar] of cases) {
    it(`${input} → ${full}`, () => {
      const r = parseDockerRef(input)
      assert.equal(refString(r), full)
      assert.equal(familiarString(r), familiar)
    })
  }

  it('familiar name keeps library/ for nested official paths', () => {
    assert.equal(familiarName(parseNormalizedNamed('library/a/b')), 'library/a/b')
  })

  const bad: Array<[string, RegExp]> = [
    ['Foo', /^invalid reference format: repository name \(library\/Foo\) must be lowercase$/],
    ['foo/Bar:tag', /^invalid reference format: repository name \(foo\/Bar\) must be lowercase$/],
    ['a:b:c', /^invalid reference format$/],
    ['', /^invalid reference format/],
    ['busybox:', /^invalid reference format$/],
    ['-foo', /^invalid reference format$/],
    ['foo_', /^invalid reference format$/],
    [HEX, /cannot specify 64-byte hexadecimal strings/],
    [`x/${'a'.repeat(260)}`, /must not be more than 255 characters/],
    ['busybox@sha256:abc', /^invalid reference format$/],
  ]
  for (const [input, msg] of bad) {
    it(`rejects ${JSON.stringify(input.slice(0, 20))}`, () => {
      assert.throws(
        () => parseDockerRef(input),
        (e: unknown) => e instanceof InvalidArgumentError && msg.test(e.message),
      )
    })
  }
})

describe('parseTag', () => {
  it('accepts tags and rejects bad ones', () => {
    assert.equal(parseTag('v1.0_rc-1'), 'v1.0_rc-1')
    assert.throws(() => parseTag('.x'), InvalidArgumentError)
    assert.throws(() => parseTag('a'.repeat(129)), InvalidArgumentError)
  })
})
