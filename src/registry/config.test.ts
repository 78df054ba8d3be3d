import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../lib/errors.ts'
import { buildConfig, loadConfig, parseFlags } from './config.ts'
import { splitAddr } from './server.ts'
import { tempDir } from './testing.ts'

describe('config', () => {
  it('has defaults', () => {
    const c = buildConfig({}, new Map())
    assert.equal(c.addr, '127.0.0.1:5000')
    assert.equal(c.storage, 'filesystem')
    assert.equal(c.deleteEnabled, true)
    assert.deepEqual(c.auth, { kind: 'none' })
  })
  it('reads YAML and lets flags win', async () => {
    const dir = await tempDir()
    const file = join(dir, 'config.yml')
    await writeFile(
      file,
      [
        'addr: 0.0.0.0:6000',
        'root: /srv/reg',
        'delete: false',
        'tls: { cert: /c.pem, key: /k.pem }',
        'auth:',
        '  htpasswd: { path: /etc/htpasswd }',
        '  token:',
        '    service: svc',
        '    anonymousPull: true',
        '    acl:',
        '      - { account: alice, name: "*", actions: [pull, push] }',
      ].join('\n'),
    )
    const c = await loadConfig(parseFlags(['--config', file, '--addr=127.0.0.1:7000']))
    assert.equal(c.addr, '127.0.0.1:7000')
    assert.equal(c.root, '/srv/reg')
    assert.equal(c.deleteEnabled, false)
    assert.deepEqual(c.tls, { cert: '/c.pem', key: '/k.pem' })
    assert.equal(c.auth.kind, 'token')
    if (c.auth.kind === 'token') {
      assert.equal(c.auth.service, 'svc')
      assert.equal(c.auth.htpasswd, '/etc/htpasswd')
      assert.equal(c.auth.anonymousPull, true)
      assert.equal(c.auth.acl?.[0]?.account, 'alice')
    }
  })
  it('picks htpasswd auth from --htpasswd', () => {
    const c = buildConfig({}, parseFlags(['--htpasswd', '/h']))
    assert.deepEqual(c.auth, { kind: 'htpasswd', htpasswd: '/h', realm: 'berth-registry' })
  })
  it('rejects bad values with the field name', () => {
    assert.throws(() => parseFlags(['--bogus']), InvalidArgumentError)
    assert.throws(() => parseFlags(['--addr']), InvalidArgumentError)
    assert.throws(() => buildConfig({ storage: 's3' }, new Map()), /storage/)
    assert.throws(() => buildConfig({}, parseFlags(['--tls-cert', '/c'])), /cert and a key/)
    assert.throws(() => buildConfig({ auth: { token: { ttl: 'x' } } }, new Map()), /ttl/)
  })
  it('splits listen addresses', () => {
    assert.deepEqual(splitAddr('127.0.0.1:5000'), { host: '127.0.0.1', port: 5000 })
    assert.deepEqual(splitAddr(':5000'), { host: '0.0.0.0', port: 5000 })
    assert.deepEqual(splitAddr('[::1]:5000'), { host: '::1', port: 5000 })
    assert.throws(() => splitAddr('nope'), InvalidArgumentError)
  })
})
