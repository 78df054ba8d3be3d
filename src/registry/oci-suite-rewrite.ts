// Checks from the rewritten OCI conformance suite (opencontainers/distribution-spec main,
// conformance/run.go and api.go, not Ginkgo): its blob API matrix for sha256 and sha512 (POST
// only, POST+PUT, chunked with and without the last chunk in the PUT, out-of-order chunks
// with recovery, streamed PATCH, mounts, bad digests), its Range table, zero-byte and {}
// blobs, and its manifest error cases, with the statuses, headers and bodies it expects.
// Only what berth-registry must answer is ported; the suite's report machinery is not.
// Called by oci-suite.test.ts; used only by tests.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { startTestRegistry } from './testing.ts'

const REPO1 = 'conformance/repo1'
const REPO2 = 'conformance/repo2'
const CHUNK_MIN = 1024
const OCTET = 'application/octet-stream'
type Alg = 'sha256' | 'sha512'

const digest = (b: Buffer, alg: Alg) => `${alg}:${createHash(alg).update(b).digest('hex')}`

export function rewriteChecks(): void {
  describe('rewritten suite (conformance/run.go): blob APIs, ranges, manifest errors', () => {
    let base = ''
    let reg: Awaited<ReturnType<typeof startTestRegistry>> | undefined
    before(async () => {
      reg = await startTestRegistry()
      base = reg.url
    })
    after(async () => {
      await reg?.close()
    })

    const req = async (
      method: string,
      url: string | URL,
      init: { body?: Buffer; headers?: Record<string, string> } = {},
    ) => {
      const res = await fetch(new URL(url, base), {
        method,
        headers: { ...(init.body !== undefined ? { 'Content-Type': OCTET } : {}), ...init.headers },
        ...(init.body !== undefined ? { body: init.body } : {}),
      })
      const body = Buffer.from(await res.arrayBuffer())
      return {
        status: res.status,
        headers: res.headers,
        body,
        info: `${method} ${url} -> ${res.status} ${body.toString().slice(0, 200)}`,
      }
    }
    type Res = Awaited<ReturnType<typeof req>>
    const expect = (res: Res, ...codes: number[]) =>
      assert.ok(codes.includes(res.status), `want ${codes}: ${res.info}`)
    const withDigest = (loc: string, dig: string) => {
      const u = new URL(loc, base)
      u.searchParams.set('digest', dig)
      return u
    }
    const start = async (repo = REPO1) => {
      const res = await req('POST', `/v2/${repo}/blobs/uploads/`)
      expect(res, 202)
      assert.ok(res.headers.get('location'), res.info)
      return res.headers.get('location')!
    }
    /** The suite's checks after a successful push: digest header, Location serves the bytes. */
    const verifyCreated = async (res: Res, data: Buffer, dig: string) => {
      expect(res, 201)
      const h = res.headers.get('docker-content-digest')
      if (h) assert.equal(h, dig)
      const loc = res.headers.get('location')
      assert.ok(loc, `Location missing: ${res.info}`)
      const got = await req('GET', loc)
      expect(got, 200)
      assert.deepEqual(got.body, data)
    }
    /** HEAD and GET exist with the right length and body, DELETE, then HEAD is 404. */
    const verifyBlobAndDelete = async (repo: string, data: Buffer, dig: string) => {
      const head = await req('HEAD', `/v2/${repo}/blobs/${dig}`)
      expect(head, 200)
      assert.equal(head.headers.get('content-length'), String(data.length))
      assert.equal(head.body.length, 0)
      const get = await req('GET', `/v2/${repo}/blobs/${dig}`)
      expect(get, 200)
      assert.equal(get.headers.get('content-length'), String(data.length))
      assert.deepEqual(get.body, data)
      expect(await req('DELETE', `/v2/${repo}/blobs/${dig}`), 202, 404, 405)
      expect(await req('HEAD', `/v2/${repo}/blobs/${dig}`), 404)
    }

    /** BlobPatchChunked: POST, then chunks of max(len/3+1, 1024); optionally a rejected
     *  out-of-order chunk (416) and a status GET (204, Range 0-<last>) before each chunk. */
    const pushChunked = async (
      data: Buffer,
      dig: string,
      o: { putLast?: boolean; outOfOrder?: boolean; bad?: boolean } = {},
    ) => {
      let loc = await start()
      const size = Math.min(Math.max(Math.floor(data.length / 3) + 1, CHUNK_MIN), data.length)
      let last = -1
      let final: Res | undefined
      while (last < data.length - 1) {
        if (o.outOfOrder) {
          let badStart = last + 1 + size
          if (badStart >= data.length) badStart = 0
          const badLast = Math.min(badStart + size - 1, data.length - 1)
          const putIt = o.putLast && badLast === data.length - 1
          const u = putIt ? withDigest(loc, dig) : new URL(loc, base)
          const bad = await req(putIt ? 'PUT' : 'PATCH', u, {
            body: data.subarray(badStart, badLast + 1),
            headers: { 'Content-Range': `${badStart}-${badLast}` },
          })
          expect(bad, 416)
          const status = await req('GET', u)
          expect(status, 204)
          loc = status.headers.get('location') ?? loc
          const range = status.headers.get('range') ?? ''
          assert.ok(range.startsWith('0-'), `Range ${range}`)
          if (last >= 0) assert.equal(range, `0-${last}`)
        }
        const from = last + 1
        last = Math.min(from + size - 1, data.length - 1)
        const putIt = o.putLast && last === data.length - 1
        const res = await req(putIt ? 'PUT' : 'PATCH', putIt ? withDigest(loc, dig) : loc, {
          body: data.subarray(from, last + 1),
          headers: { 'Content-Range': `${from}-${last}` },
        })
        if (putIt) final = res
        else {
          expect(res, 202)
          loc = res.headers.get('location') ?? loc
        }
      }
      return final ?? (await req('PUT', withDigest(loc, dig), { headers: { 'Content-Type': OCTET } }))
    }
    const pushStream = async (data: Buffer, dig: string) => {
      const patch = await req('PATCH', await start(), { body: data })
      expect(patch, 202)
      return await req('PUT', withDigest(patch.headers.get('location')!, dig), {
        headers: { 'Content-Type': OCTET },
      })
    }
    const pushPostPut = async (data: Buffer, dig: string, repo = REPO1) =>
      await req('PUT', withDigest(await start(repo), dig), { body: data })
    const pushPostOnly = async (data: Buffer, dig: string) =>
      await req('POST', `/v2/${REPO1}/blobs/uploads/?digest=${encodeURIComponent(dig)}`, { body: data })

    for (const alg of ['sha256', 'sha512'] as const) {
      describe(`${alg} blobs`, () => {
        const blob = (size: number) => {
          const data = randomBytes(size)
          return { data, dig: digest(data, alg) }
        }
        it('get-missing', async () => {
          expect(await req('GET', `/v2/${REPO1}/blobs/${blob(512).dig}`), 404)
        })
        const pushes: [string, (data: Buffer, dig: string) => Promise<Res>, number][] = [
          ['post only', pushPostOnly, 512],
          ['post+put', pushPostPut, 512],
          ['chunked single', (d, g) => pushChunked(d, g), 512],
          ['stream', pushStream, 512],
          ['chunked multi', (d, g) => pushChunked(d, g), CHUNK_MIN * 3 - 5],
          ['chunked multi and put chunk', (d, g) => pushChunked(d, g, { putLast: true }), CHUNK_MIN * 3 - 5],
          ['chunked out-of-order', (d, g) => pushChunked(d, g, { outOfOrder: true }), CHUNK_MIN * 3 - 5],
          [
            'chunked out-of-order and put chunk',
            (d, g) => pushChunked(d, g, { outOfOrder: true, putLast: true }),
            CHUNK_MIN * 3 - 5,
          ],
        ]
        for (const [name, push, size] of pushes) {
          it(name, async () => {
            const { data, dig } = blob(size)
            await verifyCreated(await push(data, dig), data, dig)
            await verifyBlobAndDelete(REPO1, data, dig)
          })
        }
        it('mount', async () => {
          const { data, dig } = blob(512)
          await verifyCreated(await pushPostPut(data, dig, REPO2), data, dig)
          const res = await req('POST', `/v2/${REPO1}/blobs/uploads/?mount=${dig}&from=${REPO2}`)
          await verifyCreated(res, data, dig)
          await verifyBlobAndDelete(REPO1, data, dig)
          await verifyBlobAndDelete(REPO2, data, dig)
        })
        it('mount anonymous', async () => {
          const { data, dig } = blob(512)
          await verifyCreated(await pushPostPut(data, dig, REPO2), data, dig)
          await verifyCreated(await req('POST', `/v2/${REPO1}/blobs/uploads/?mount=${dig}`), data, dig)
          await verifyBlobAndDelete(REPO1, data, dig)
          await verifyBlobAndDelete(REPO2, data, dig)
        })
        it('mount missing', async () => {
          // Not in REPO2: the registry must not claim a mount; 202 starts an ordinary upload.
          const { data, dig } = blob(512)
          const res = await req('POST', `/v2/${REPO1}/blobs/uploads/?mount=${dig}&from=${REPO2}`)
          expect(res, 202)
          await verifyCreated(
            await req('PUT', withDigest(res.headers.get('location')!, dig), { body: data }),
            data,
            dig,
          )
          await verifyBlobAndDelete(REPO1, data, dig)
        })
        it('post cancel', async () => {
          const loc = await start()
          expect(await req('DELETE', loc), 204)
        })
        it('range requests', async () => {
          const { data, dig } = blob(2048)
          await verifyCreated(await pushPostPut(data, dig), data, dig)
          const cases: [string, number, number][] = [
            ['bytes=500-1499', 500, 1499],
            ['bytes=500-', 500, 2047],
            ['bytes=-500', 1548, 2047],
            ['bytes=2000-5000', 2000, 2047],
          ]
          for (const [range, from, to] of cases) {
            const res = await req('GET', `/v2/${REPO1}/blobs/${dig}`, { headers: { Range: range } })
            expect(res, 206)
            assert.equal(res.headers.get('content-length'), String(to - from + 1), range)
            assert.ok(
              [`bytes ${from}-${to}/2048`, `bytes ${from}-${to}/*`].includes(
                res.headers.get('content-range')!,
              ),
            )
            assert.deepEqual(res.body, data.subarray(from, to + 1))
          }
          for (const range of ['bytes=500-0', 'bytes=5000-10000'])
            expect(await req('GET', `/v2/${REPO1}/blobs/${dig}`, { headers: { Range: range } }), 416)
          await verifyBlobAndDelete(REPO1, data, dig)
        })
        for (const [name, content] of [
          ['empty', Buffer.alloc(0)],
          ['emptyJSON', Buffer.from('{}')],
        ] as const) {
          it(name, async () => {
            const dig = digest(content, alg)
            await verifyCreated(await pushPostPut(content, dig), content, dig)
            await verifyBlobAndDelete(REPO1, content, dig)
          })
        }
        const badPushes: [string, (data: Buffer, dig: string) => Promise<Res>, number[]][] = [
          ['bad digest post only', pushPostOnly, [400, 202]],
          ['bad digest post+put', pushPostPut, [400]],
          ['bad digest chunked', (d, g) => pushChunked(d, g), [400]],
          ['bad digest chunked and put chunk', (d, g) => pushChunked(d, g, { putLast: true }), [400]],
          ['bad digest stream', pushStream, [400]],
        ]
        for (const [name, push, codes] of badPushes) {
          it(name, async () => {
            const { data, dig } = blob(CHUNK_MIN * 3 - 5)
            const res = await push(Buffer.concat([data, Buffer.from('oh no')]), dig)
            expect(res, ...codes)
            if (res.status === 202)
              expect(await req('PUT', withDigest(res.headers.get('location')!, dig), { body: data }), 400)
            expect(await req('HEAD', `/v2/${REPO1}/blobs/${dig}`), 404)
          })
        }
      })
    }

    describe('manifest errors', () => {
      it('missing-manifest by-digest', async () => {
        expect(await req('GET', `/v2/${REPO1}/manifests/${digest(randomBytes(1024), 'sha256')}`), 404)
      })
      it('missing-manifest by-tag', async () => {
        expect(await req('GET', `/v2/${REPO1}/manifests/missing-${randomBytes(8).toString('hex')}`), 404)
      })
      it('invalid-digest-format manifest-put and manifest-get', async () => {
        const cfg = Buffer.from(
          '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}',
        )
        await verifyCreated(await pushPostPut(cfg, digest(cfg, 'sha256')), cfg, digest(cfg, 'sha256'))
        const m = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            config: {
              mediaType: 'application/vnd.oci.image.config.v1+json',
              digest: digest(cfg, 'sha256'),
              size: cfg.length,
            },
            layers: [],
          }),
        )
        const headers = { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }
        expect(await req('PUT', `/v2/${REPO1}/manifests/sha256:baddigeststring`, { body: m, headers }), 400)
        expect(await req('GET', `/v2/${REPO1}/manifests/sha256:baddigeststring`), 404, 400)
        // Bad Digest Image: pushed by its digest with two extra spaces in the body.
        const padded = Buffer.concat([m, Buffer.from('  ')])
        expect(
          await req('PUT', `/v2/${REPO1}/manifests/${digest(m, 'sha256')}`, { body: padded, headers }),
          400,
        )
      })
    })
  })
}
