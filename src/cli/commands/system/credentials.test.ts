import assert from 'node:assert/strict'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  eraseCredentials,
  INDEX_SERVER,
  loadCredentials,
  serverKey,
  storeCredentials,
} from './credentials.ts'

describe('docker config credentials', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-creds-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keys Docker Hub by the index URL and others by host', () => {
    assert.equal(serverKey(undefined), INDEX_SERVER)
    assert.equal(serverKey('docker.io'), INDEX_SERVER)
    assert.equal(serverKey('http://127.0.0.1:5000/v2/'), '127.0.0.1:5000')
  })

  it('stores base64 auths in config.json, keeping other keys', async () => {
    const env = { DOCKER_CONFIG: join(dir, 'plain') }
    await storeCredentials(env, 'r:1', { username: 'u', password: 'p' })
    const cfg = JSON.parse(await readFile(join(dir, 'plain/config.json'), 'utf8'))
    assert.deepEqual(cfg.auths, { 'r:1': { auth: Buffer.from('u:p').toString('base64') } })
    assert.deepEqual(await loadCredentials(env, 'r:1'), {
      username: 'u',
      password: 'p',
      serveraddress: 'r:1',
    })
    assert.equal(await eraseCredentials(env, 'r:1'), true)
    assert.equal(await loadCredentials(env, 'r:1'), undefined)
    assert.equal(await eraseCredentials(env, 'r:1'), false)
  })

  it('uses a docker-credential helper when credsStore names one', async () => {
    const bin = join(dir, 'bin')
    const store = join(dir, 'helper-store.json')
    const script = `#!/bin/sh
case "$1" in
  store) cat > ${store} ;;
  get) read server; [ -f ${store} ] || { echo "credentials not found in native keychain"; exit 1; }; cat ${store} ;;
  erase) rm -f ${store} ;;
esac
`
    await mkdir(bin, { recursive: true })
    await writeFile(join(bin, 'docker-credential-fake'), script)
    await chmod(join(bin, 'docker-credential-fake'), 0o755)
    const env = { DOCKER_CONFIG: join(dir, 'helper'), PATH: `${bin}:${process.env.PATH}` }
    await mkdir(env.DOCKER_CONFIG, { recursive: true })
    await writeFile(join(env.DOCKER_CONFIG, 'config.json'), JSON.stringify({ credsStore: 'fake' }))
    assert.equal(await loadCredentials(env, 'r:2'), undefined)
    assert.equal(await storeCredentials(env, 'r:2', { username: 'u', password: 'sec' }), false)
    const cfg = JSON.parse(await readFile(join(env.DOCKER_CONFIG, 'config.json'), 'utf8'))
    assert.deepEqual(cfg.auths, { 'r:2': {} })
    assert.deepEqual(await loadCredentials(env, 'r:2'), {
      username: 'u',
      password: 'sec',
      serveraddress: 'r:2',
    })
    assert.equal(await eraseCredentials(env, 'r:2'), true)
  })
})
