// berth commit, diff and export against a fake engine: the requests they send and what they print.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FakeRoutes } from '../../../client/fake-engine.ts'
import { runCliAgainst } from '../../testing.ts'

function runCli(argv: string[], routes: FakeRoutes, opts: { stdoutIsTTY?: boolean } = {}) {
  return runCliAgainst(argv, routes, opts)
}

describe('berth commit', () => {
  const routes: FakeRoutes = { 'POST /commit': { status: 201, json: { Id: 'sha256:abc' } } }

  it('sends repo, tag, message, author and changes; pauses by default', async () => {
    const r = await runCli(
      ['commit', '-m', 'msg', '-a', 'me', '-c', 'CMD ["echo","hi"]', 'ctr', 'repo/x:v1'],
      routes,
    )
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'sha256:abc\n')
    const q = r.requests.find((x) => x.path === '/commit')!.query
    assert.equal(q.get('container'), 'ctr')
    assert.equal(q.get('repo'), 'repo/x')
    assert.equal(q.get('tag'), 'v1')
    assert.equal(q.get('comment'), 'msg')
    assert.equal(q.get('author'), 'me')
    assert.equal(q.get('pause'), '1')
    assert.deepEqual(q.getAll('changes'), ['CMD ["echo","hi"]'])
  })

  it('--pause=false turns pausing off', async () => {
    const r = await runCli(['commit', '--pause=false', 'ctr'], routes)
    assert.equal(r.requests.find((x) => x.path === '/commit')!.query.get('pause'), '0')
  })
})

describe('berth diff', () => {
  it("prints docker's kind letters", async () => {
    const changes = [
      { Path: '/etc', Kind: 0 },
      { Path: '/etc/group', Kind: 2 },
      { Path: '/new', Kind: 1 },
    ]
    const r = await runCli(['diff', 'ctr'], { 'GET /containers/:id/changes': { json: changes } })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'C /etc\nD /etc/group\nA /new\n')
  })
})

describe('berth export', () => {
  it('refuses to write a tar to a terminal', async () => {
    const r = await runCli(['export', 'ctr'], {}, { stdoutIsTTY: true })
    assert.equal(r.code, 1)
    assert.match(r.stderr, /cowardly refusing to save to a terminal/)
    assert.equal(r.requests.filter((x) => x.path.includes('export')).length, 0)
  })

  it('streams the tar to stdout', async () => {
    const r = await runCli(['export', 'ctr'], { 'GET /containers/:id/export': { text: 'TARBYTES' } })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'TARBYTES')
  })
})
