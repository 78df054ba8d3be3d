// The per-data-set flow of the rewritten OCI conformance suite (run.go TestAll: push, tag
// list, head, pull, referrers, delete) over the data of oci-suite-rewrite-data.ts, with the
// checks of its api.go: statuses, Location that serves the content, Content-Type and
// Content-Length of manifests, Docker-Content-Digest when sent, OCI-Subject, the referrers
// entries and artifactType filter, `last` in tag lists, and deletes that take effect at once.
// Called by oci-suite.test.ts; used only by tests.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Descriptor, generateData, MT, type TestData } from './oci-suite-rewrite-data.ts'
import { startTestRegistry } from './testing.ts'

const REPO = 'conformance/repo1'
const ACCEPT = `${MT.index}, ${MT.image}`

interface Res {
  status: number
  headers: Headers
  body: Buffer
  info: string
}

export function rewriteDataFlows(): void {
  describe('rewritten suite (conformance/run.go): data sets', () => {
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
      path: string,
      init: { body?: Buffer; headers?: Record<string, string> } = {},
    ) => {
      const res = await fetch(new URL(path, base), {
        method,
        ...(init.headers ? { headers: init.headers } : {}),
        ...(init.body !== undefined ? { body: init.body } : {}),
      })
      const body = Buffer.from(await res.arrayBuffer())
      return {
        status: res.status,
        headers: res.headers,
        body,
        info: `${method} ${path} -> ${res.status} ${body.toString().slice(0, 200)}`,
      }
    }
    const expect = (res: Res, ...codes: number[]) =>
      assert.ok(codes.includes(res.status), `want ${codes}: ${res.info}`)
    const mediaTypeOf = (body: Buffer) => (JSON.parse(body.toString()) as { mediaType: string }).mediaType
    const subjectOf = (body: Buffer) => (JSON.parse(body.toString()) as { subject?: Descriptor }).subject

    /** ManifestGetExists / ManifestHeadExists; `ref` is a tag, a digest or a Location path. */
    const expectManifest = async (method: 'GET' | 'HEAD', ref: string, dig: string, body: Buffer) => {
      const path = ref.startsWith('/') ? ref : `/v2/${REPO}/manifests/${ref}`
      const res = await req(method, path, { headers: { Accept: ACCEPT } })
      expect(res, 200)
      assert.equal(res.headers.get('content-type'), mediaTypeOf(body), res.info)
      assert.equal(res.headers.get('content-length'), String(body.length), res.info)
      assert.deepEqual(res.body, method === 'GET' ? body : Buffer.alloc(0))
      const h = res.headers.get('docker-content-digest')
      if (h) assert.equal(h, dig)
    }

    /** ManifestPut: 201, digest header, OCI-Subject, and a Location that serves the manifest. */
    const putManifest = async (td: TestData, ref: string, dig: string) => {
      const body = td.manifests.get(dig)!
      const res = await req('PUT', `/v2/${REPO}/manifests/${ref}`, {
        body,
        headers: { 'Content-Type': mediaTypeOf(body) },
      })
      if (td.expectBadDigest.has(dig)) return expect(res, 400)
      expect(res, 201)
      const subject = subjectOf(body)
      if (subject) assert.equal(res.headers.get('oci-subject'), subject.digest, res.info)
      const h = res.headers.get('docker-content-digest')
      if (h) assert.equal(h, dig)
      const loc = res.headers.get('location')
      assert.ok(loc, `Location missing: ${res.info}`)
      await expectManifest('GET', loc, dig, body)
    }

    const matches = (got: Descriptor, goal: Descriptor) =>
      got.digest === goal.digest &&
      got.mediaType === goal.mediaType &&
      got.size === goal.size &&
      (got.artifactType ?? '') === (goal.artifactType ?? '') &&
      Object.entries(goal.annotations ?? {}).every(([k, v]) => got.annotations?.[k] === v)

    const referrers = async (subject: string, artifactType?: string) => {
      const q = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : ''
      const res = await req('GET', `/v2/${REPO}/referrers/${subject}${q}`)
      expect(res, 200)
      assert.equal(res.headers.get('content-type'), MT.index)
      const idx = JSON.parse(res.body.toString()) as {
        mediaType: string
        schemaVersion: number
        manifests: Descriptor[]
      }
      assert.equal(idx.mediaType, MT.index)
      assert.equal(idx.schemaVersion, 2)
      return { res, list: idx.manifests }
    }

    it('empty: tag list and referrers of a repository with no content', async () => {
      const tags = await req('GET', `/v2/${REPO}/tags/list`)
      expect(tags, 200, 404)
      if (tags.status === 200) JSON.parse(tags.body.toString())
      await referrers(`sha256:${'0'.repeat(64)}`)
    })

    for (const td of generateData()) {
      describe(td.name, () => {
        const pulled = td.manOrder.filter((d) => !td.expectBadDigest.has(d))
        it('push', async () => {
          for (const [dig, b] of td.blobs) {
            const start = await req('POST', `/v2/${REPO}/blobs/uploads/`)
            expect(start, 202)
            const u = new URL(start.headers.get('location')!, base)
            u.searchParams.set('digest', dig)
            expect(
              await req('PUT', u.pathname + u.search, { body: b, headers: { 'Content-Type': MT.octet } }),
              201,
            )
          }
          for (const dig of td.manOrder) await putManifest(td, dig, dig)
          for (const [tag, dig] of td.tags) await putManifest(td, tag, dig)
        })
        it('tag-list', async () => {
          const res = await req('GET', `/v2/${REPO}/tags/list`)
          expect(res, 200)
          const tags = (JSON.parse(res.body.toString()) as { tags: string[] }).tags
          for (const tag of td.tags.keys()) assert.ok(tags.includes(tag), `missing tag ${tag}`)
          if (tags.length < 2) return
          const sorted = [...tags].sort()
          const end = Math.floor(sorted.length / 2)
          const last = sorted[end - 1]!
          const page = await req('GET', `/v2/${REPO}/tags/list?last=${encodeURIComponent(last)}`)
          expect(page, 200)
          const partial = (JSON.parse(page.body.toString()) as { tags: string[] }).tags
          for (const tag of sorted.slice(0, end))
            assert.ok(!partial.includes(tag), `${tag} returned after last=${last}`)
          for (const tag of sorted.slice(end))
            assert.ok(partial.includes(tag), `${tag} missing after last=${last}`)
        })
        for (const method of ['HEAD', 'GET'] as const) {
          it(method === 'HEAD' ? 'head' : 'pull', async () => {
            for (const [tag, dig] of td.tags) await expectManifest(method, tag, dig, td.manifests.get(dig)!)
            for (const dig of pulled) await expectManifest(method, dig, dig, td.manifests.get(dig)!)
            for (const [dig, b] of td.blobs) {
              const res = await req(method, `/v2/${REPO}/blobs/${dig}`)
              expect(res, 200)
              assert.equal(res.headers.get('content-length'), String(b.length))
              assert.deepEqual(res.body, method === 'GET' ? b : Buffer.alloc(0))
              const h = res.headers.get('docker-content-digest')
              if (h) assert.equal(h, dig)
            }
          })
        }
        if (td.referrers.size > 0) {
          it('referrers', async () => {
            for (const [subject, goals] of td.referrers) {
              const { list } = await referrers(subject)
              for (const goal of goals)
                assert.ok(
                  list.some((got) => matches(got, goal)),
                  `missing ${JSON.stringify(goal)}`,
                )
              for (const at of new Set(goals.map((g) => g.artifactType ?? ''))) {
                const { res, list: filtered } = await referrers(subject, at)
                const applied = (res.headers.get('oci-filters-applied') ?? '')
                  .split(',')
                  .some((f) => f.trim() === 'artifactType')
                assert.ok(applied, `OCI-Filters-Applied missing for ${at}`)
                for (const goal of goals.filter((g) => (g.artifactType ?? '') === at))
                  assert.ok(
                    filtered.some((got) => matches(got, goal)),
                    `missing ${goal.digest} for ${at}`,
                  )
                for (const got of filtered) assert.equal(got.artifactType ?? '', at)
              }
            }
          })
        }
        it('delete', async () => {
          for (const [tag, dig] of td.tags) {
            expect(await req('DELETE', `/v2/${REPO}/manifests/${tag}`), 202, 404)
            const head = await req('HEAD', `/v2/${REPO}/manifests/${tag}`, { headers: { Accept: ACCEPT } })
            expect(head, 404)
            assert.ok(dig)
          }
          for (const dig of [...td.manOrder].reverse()) {
            expect(await req('DELETE', `/v2/${REPO}/manifests/${dig}`), 202, 404)
            expect(await req('HEAD', `/v2/${REPO}/manifests/${dig}`, { headers: { Accept: ACCEPT } }), 404)
          }
          for (const dig of td.blobs.keys()) {
            expect(await req('DELETE', `/v2/${REPO}/blobs/${dig}`), 202, 404)
            expect(await req('HEAD', `/v2/${REPO}/blobs/${dig}`), 404)
          }
        })
      })
    }
  })
}
