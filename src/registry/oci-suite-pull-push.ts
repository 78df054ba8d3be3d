// The Pull and Push workflows of the ported OCI conformance suite (01_pull_test.go,
// 02_push_test.go): every spec in the suite's order and under its name, with its setup and
// teardown. Called by oci-suite.test.ts inside a describe; used only by tests.
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { expectLocation, expectStatus, OCTET, runOnlyIf, type SuiteContext } from './oci-suite-context.ts'
import {
  type ChunkedBlob,
  chunkedBlob,
  configs,
  dummyDigest,
  emptyLayerManifest,
  emptyLayerTestTag,
  errorCodes,
  invalidManifestContent,
  layer,
  manifests,
  nonexistentManifest,
  OCI_MANIFEST,
  type SuiteResponse,
  testBlobA,
  testTagName,
} from './oci-suite-fixtures.ts'

export function pullWorkflow(c: SuiteContext): void {
  describe('Pull', () => {
    let tag = ''
    const setup = c.s.runPullSetup
    describe('Setup', () => {
      it('Populate registry with test blob', async (t) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.pushBlob(configs[0]!), '2xx')
      })
      it('Populate registry with test blob', async (t) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.pushBlob(configs[1]!), '2xx')
      })
      it('Populate registry with test layer', async (t) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.pushBlob(layer), '2xx')
      })
      it('Populate registry with test manifest', async (t) => {
        if (!runOnlyIf(t, setup)) return
        tag = testTagName
        expectStatus(await c.putManifest(tag, manifests[0]!), '2xx')
      })
      it('Populate registry with test manifest', async (t) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.putManifest(manifests[1]!.digest, manifests[1]!), '2xx')
      })
      it('Get tag name from environment', (t) => {
        runOnlyIf(t, !setup) // only with OCI_TAG_NAME, OCI_MANIFEST_DIGEST and OCI_BLOB_DIGEST
      })
    })

    describe('Pull blobs', () => {
      it('HEAD request to nonexistent blob should result in 404 response', async () => {
        expectStatus(await c.getBlob('HEAD', dummyDigest), 404)
      })
      it('HEAD request to existing blob should yield 200', async () => {
        const res = await c.getBlob('HEAD', configs[0]!.digest)
        expectStatus(res, 200)
        const h = res.headers.get('docker-content-digest')
        if (h) assert.equal(h, configs[0]!.digest)
      })
      it('GET nonexistent blob should result in 404 response', async () => {
        expectStatus(await c.getBlob('GET', dummyDigest), 404)
      })
      it('GET request to existing blob URL should yield 200', async () => {
        expectStatus(await c.getBlob('GET', configs[0]!.digest), 200)
      })
    })

    describe('Pull manifests', () => {
      const expectDigestHeader = (res: SuiteResponse, digest: string) => {
        expectStatus(res, 200)
        const h = res.headers.get('docker-content-digest')
        if (h) assert.equal(h, digest)
      }
      it('HEAD request to nonexistent manifest should return 404', async () => {
        expectStatus(await c.getManifest('HEAD', nonexistentManifest, false), 404)
      })
      it('HEAD request to manifest[0] path (digest) should yield 200 response', async () => {
        expectDigestHeader(await c.getManifest('HEAD', manifests[0]!.digest), manifests[0]!.digest)
      })
      it('HEAD request to manifest[1] path (digest) should yield 200 response', async () => {
        expectDigestHeader(await c.getManifest('HEAD', manifests[1]!.digest), manifests[1]!.digest)
      })
      it('HEAD request to manifest path (tag) should yield 200 response', async () => {
        assert.notEqual(tag, '')
        expectDigestHeader(await c.getManifest('HEAD', tag), manifests[0]!.digest)
      })
      it('GET nonexistent manifest should return 404', async () => {
        expectStatus(await c.getManifest('GET', nonexistentManifest, false), 404)
      })
      it('GET request to manifest[0] path (digest) should yield 200 response', async () => {
        expectStatus(await c.getManifest('GET', manifests[0]!.digest), 200)
      })
      it('GET request to manifest[1] path (digest) should yield 200 response', async () => {
        expectStatus(await c.getManifest('GET', manifests[1]!.digest), 200)
      })
      it('GET request to manifest path (tag) should yield 200 response', async () => {
        assert.notEqual(tag, '')
        expectStatus(await c.getManifest('GET', tag), 200)
      })
    })

    describe('Error codes', () => {
      it('400 response body should contain OCI-conforming JSON message', async () => {
        // The suite sets a body too; its Go client drops bodies on GET, as fetch must.
        const res = await c.send('GET', '/v2/<name>/manifests/<reference>', {
          reference: 'sha256:totallywrong',
          headers: { 'Content-Type': OCI_MANIFEST },
          body: invalidManifestContent,
        })
        expectStatus(res, 400, 404)
        if (res.status === 400) {
          const errors = res.errors()
          assert.ok(errors.length > 0)
          assert.ok(errorCodes.includes(errors[0]!.code), errors[0]!.code)
        }
      })
    })

    describe('Teardown', () => {
      const manifestDelete = (i: number) => async (t: TestContext) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.del('manifests', manifests[i]!.digest), '2xx', 405)
      }
      const blobDelete = (digest: string) => async (t: TestContext) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.del('blobs', digest), '2xx', 404, 405)
      }
      const manifestsFirst = c.s.deleteManifestBeforeBlobs
      if (manifestsFirst) it('Delete manifest[0] created in setup', manifestDelete(0))
      if (manifestsFirst) it('Delete manifest[1] created in setup', manifestDelete(1))
      it('Delete config[0] blob created in setup', blobDelete(configs[0]!.digest))
      it('Delete config[1] blob created in setup', blobDelete(configs[1]!.digest))
      it('Delete layer blob created in setup', blobDelete(layer.digest))
      if (!manifestsFirst) it('Delete manifest[0] created in setup', manifestDelete(0))
      if (!manifestsFirst) it('Delete manifest[1] created in setup', manifestDelete(1))
    })
  })
}

export function pushWorkflow(c: SuiteContext): void {
  describe('Push', () => {
    let lastResponse: SuiteResponse | undefined
    let prevResponse: SuiteResponse | undefined
    let emptyLayerManifestRef = ''
    let chunked: ChunkedBlob = chunkedBlob(42)

    describe('Blob Upload Streamed', () => {
      it('PATCH request with blob in body should yield 202 response', async () => {
        const start = await c.send('POST', '/v2/<name>/blobs/uploads/')
        expectLocation(start)
        const res = await c.send('PATCH', start.relativeLocation(), {
          headers: { 'Content-Type': OCTET },
          body: testBlobA.content,
        })
        expectStatus(res, 202)
        lastResponse = res
      })
      it('PUT request to session URL with digest should yield 201 response', async () => {
        assert.ok(lastResponse)
        const res = await c.send('PUT', lastResponse.relativeLocation(), {
          query: { digest: testBlobA.digest },
          headers: { 'Content-Type': OCTET, 'Content-Length': testBlobA.contentLength },
        })
        expectStatus(res, 201)
        expectLocation(res)
      })
    })

    describe('Blob Upload Monolithic', () => {
      const putConfig1 = (path: string, method = 'PUT') =>
        c.send(method, path, {
          query: { digest: configs[1]!.digest },
          headers: { 'Content-Length': configs[1]!.contentLength, 'Content-Type': OCTET },
          body: configs[1]!.content,
        })
      it('GET nonexistent blob should result in 404 response', async () => {
        expectStatus(await c.getBlob('GET', dummyDigest), 404)
      })
      it('POST request with digest and blob should yield a 201 or 202', async () => {
        const res = await putConfig1('/v2/<name>/blobs/uploads/', 'POST')
        expectLocation(res)
        expectStatus(res, 201, 202)
        lastResponse = res
      })
      it('GET request to blob URL from prior request should yield 200 or 404 based on response code', async () => {
        assert.ok(lastResponse)
        expectStatus(await c.getBlob('GET', configs[1]!.digest), lastResponse.status === 202 ? 404 : 200)
      })
      it('POST request should yield a session ID', async () => {
        const res = await c.send('POST', '/v2/<name>/blobs/uploads/')
        expectStatus(res, 202)
        lastResponse = res
      })
      it('PUT upload of a blob should yield a 201 Response', async () => {
        assert.ok(lastResponse)
        const res = await putConfig1(lastResponse.relativeLocation())
        expectLocation(res)
        expectStatus(res, 201)
      })
      it('GET request to existing blob should yield 200 response', async () => {
        expectStatus(await c.getBlob('GET', configs[1]!.digest), 200)
      })
      it('PUT upload of a layer blob should yield a 201 Response', async () => {
        const res = await c.pushBlob(layer)
        expectLocation(res)
        expectStatus(res, 201)
      })
      it('GET request to existing layer should yield 200 response', async () => {
        expectStatus(await c.getBlob('GET', layer.digest), 200)
      })
    })

    describe('Blob Upload Chunked', () => {
      const patch = (loc: string, chunk: Buffer, range: string) =>
        c.send('PATCH', loc, {
          headers: { 'Content-Type': OCTET, 'Content-Length': String(chunk.length), 'Content-Range': range },
          body: chunk,
        })
      const start = () => c.send('POST', '/v2/<name>/blobs/uploads/', { headers: { 'Content-Length': '0' } })
      it('Out-of-order blob upload should return 416', async () => {
        const res = await start()
        expectLocation(res)
        // Rebuild the chunked blob when the registry's minimum chunk is larger than chunk 1.
        const minSize = res.headers.get('oci-chunk-min-length')
        if (minSize) {
          assert.ok(Number.isInteger(Number(minSize)), minSize)
          if (Number(minSize) > chunked.chunk1.length) chunked = chunkedBlob(Number(minSize) * 2 - 2)
        }
        expectStatus(await patch(res.relativeLocation(), chunked.chunk2, chunked.chunk2Range), 416)
      })
      it('PATCH request with first chunk should return 202', async () => {
        prevResponse = await start()
        expectLocation(prevResponse)
        const res = await patch(prevResponse.relativeLocation(), chunked.chunk1, chunked.chunk1Range)
        expectStatus(res, 202)
        assert.equal(res.headers.get('range'), chunked.chunk1Range)
        lastResponse = res
      })
      it('Retry previous blob chunk should return 416', async () => {
        assert.ok(prevResponse)
        expectStatus(await patch(prevResponse.relativeLocation(), chunked.chunk1, chunked.chunk1Range), 416)
      })
      it('Get on stale blob upload should return 204 with a range and location', async () => {
        assert.ok(prevResponse)
        const res = await c.send('GET', prevResponse.relativeLocation())
        expectStatus(res, 204)
        expectLocation(res)
        assert.equal(res.headers.get('range'), chunked.chunk1Range)
        lastResponse = res
      })
      it('PATCH request with second chunk should return 202', async () => {
        assert.ok(lastResponse)
        const res = await patch(lastResponse.relativeLocation(), chunked.chunk2, chunked.chunk2Range)
        expectStatus(res, 202)
        expectLocation(res)
        lastResponse = res
      })
      it('PUT request with digest should return 201', async () => {
        assert.ok(lastResponse)
        const res = await c.send('PUT', lastResponse.relativeLocation(), {
          query: { digest: chunked.blob.digest },
          headers: { 'Content-Length': '0', 'Content-Type': OCTET },
        })
        expectStatus(res, 201)
        expectLocation(res)
      })
    })

    describe('Cross-Repository Blob Mount', () => {
      const name = c.s.crossmountNamespace
      it('Cross-mounting of a blob without the from argument should yield session id', async () => {
        const res = await c.send('POST', '/v2/<name>/blobs/uploads/', { name, query: { mount: dummyDigest } })
        expectStatus(res, 202)
        assert.notEqual(res.absoluteLocation(), '')
      })
      it("POST request to mount another repository's blob should return 201 or 202", async () => {
        const res = await c.send('POST', '/v2/<name>/blobs/uploads/', {
          name,
          query: { mount: testBlobA.digest, from: c.s.namespace },
        })
        expectStatus(res, 201, 202)
        lastResponse = res
      })
      it('GET request to test digest within cross-mount namespace should return 200', async (t) => {
        if (!runOnlyIf(t, lastResponse?.status === 201)) return
        assert.equal(lastResponse!.relativeLocation(), `/v2/${name}/blobs/${testBlobA.digest}`)
        expectStatus(await c.send('GET', lastResponse!.relativeLocation()), 200)
      })
      it('Cross-mounting of nonexistent blob should yield session id', (t) => {
        if (!runOnlyIf(t, lastResponse?.status === 202)) return
        assert.ok(lastResponse!.relativeLocation().startsWith(`/v2/${name}/blobs/uploads/`))
      })
      const automatic = (enabled: boolean) => async (t: TestContext) => {
        if (!runOnlyIf(t, c.s.runAutomaticCrossmountTest)) return
        if (!runOnlyIf(t, lastResponse?.status === 201)) return
        if (!runOnlyIf(t, c.s.automaticCrossmountEnabled === enabled)) return
        const res = await c.send('POST', '/v2/<name>/blobs/uploads/', {
          name,
          query: { mount: testBlobA.digest },
        })
        expectStatus(res, enabled ? 201 : 202)
      }
      it(
        'Cross-mounting without from, and automatic content discovery enabled should return a 201',
        automatic(true),
      )
      it(
        'Cross-mounting without from, and automatic content discovery disabled should return a 202',
        automatic(false),
      )
    })

    describe('Manifest Upload', () => {
      it('GET nonexistent manifest should return 404', async () => {
        expectStatus(await c.getManifest('GET', nonexistentManifest, false), 404)
      })
      it('PUT should accept a manifest upload', async () => {
        for (let i = 0; i < 4; i++) {
          const res = await c.putManifest(`test${i}`, manifests[1]!)
          expectLocation(res)
          expectStatus(res, 201)
        }
      })
      it('Registry should accept a manifest upload with no layers', async (t) => {
        const res = await c.putManifest(emptyLayerTestTag, emptyLayerManifest)
        if (res.status === 201) {
          emptyLayerManifestRef = res.headers.get('location') ?? ''
          assert.notEqual(emptyLayerManifestRef, '')
        } else {
          c.warn(t, `image manifest with no layers is not supported (${res.info})`)
        }
      })
      it('GET request to manifest URL (digest) should yield 200 response', async () => {
        expectStatus(await c.getManifest('GET', manifests[1]!.digest), 200)
      })
    })

    describe('Teardown', () => {
      const manifestDelete = async (t: TestContext) => {
        if (!runOnlyIf(t, c.s.runPushSetup)) return
        expectStatus(await c.del('manifests', manifests[1]!.digest), '2xx', 405)
        if (emptyLayerManifestRef !== '')
          expectStatus(await c.del('manifests', emptyLayerManifest.digest), '2xx', 405)
      }
      const blobDelete = (digest: string) => async (t: TestContext) => {
        if (runOnlyIf(t, c.s.runPushSetup)) expectStatus(await c.del('blobs', digest), '2xx', 404, 405)
      }
      if (c.s.deleteManifestBeforeBlobs) it('Delete manifest created in tests', manifestDelete)
      it('Delete config blob created in tests', blobDelete(configs[1]!.digest))
      it('Delete layer blob created in setup', blobDelete(layer.digest))
      if (!c.s.deleteManifestBeforeBlobs) it('Delete manifest created in tests', manifestDelete)
    })
  })
}
