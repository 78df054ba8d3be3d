// The Content Discovery and Content Management workflows of the ported OCI conformance suite
// (03_discovery_test.go, 04_management_test.go): tag listing, the referrers API, manifest and
// blob deletion, in the suite's order with its setup and teardown. Used only by tests.
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import {
  expectAnnotations,
  expectStatus,
  referrersOf,
  runOnlyIf,
  type SuiteContext,
  tagsOf,
} from './oci-suite-context.ts'
import {
  artifactTypeFilter,
  configs,
  dummyDigest,
  emptyJSONBlob,
  emptyJSONDigest,
  layer,
  manifests,
  OCI_INDEX,
  OCI_MANIFEST,
  refsIndexArtifact,
  refsManifestAConfigArtifact,
  refsManifestALayerArtifact,
  refsManifestBConfigArtifact,
  refsManifestBLayerArtifact,
  refsManifestCLayerArtifact,
  type SuiteResponse,
  type TestBlob,
  testRefArtifactTypeA,
  testRefBlobA,
  testRefBlobB,
  testTagName,
} from './oci-suite-fixtures.ts'

export function discoveryWorkflow(c: SuiteContext): void {
  describe('Content Discovery', () => {
    let numTags = 4
    let tagList: string[] = []
    const setup = c.s.runContentDiscoverySetup

    describe('Setup', () => {
      it('Populate registry with test blob', async (t) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.pushBlob(configs[2]!), '2xx')
      })
      it('Populate registry with test layer', async (t) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.pushBlob(layer), '2xx')
      })
      it('Populate registry with test tags', async (t) => {
        if (!runOnlyIf(t, setup)) return
        for (let i = 0; i < numTags; i++) {
          tagList.push(`test${i}`)
          expectStatus(await c.putManifest(`test${i}`, manifests[2]!), '2xx')
        }
        tagList = tagsOf(await c.send('GET', '/v2/<name>/tags/list'))
      })
      it('Populate registry with test tags (no push)', (t) => {
        runOnlyIf(t, !setup) // only with OCI_TAG_LIST
      })
      it('References setup', async (t) => {
        if (!runOnlyIf(t, setup)) return
        assert.equal(
          emptyJSONDigest,
          'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        )
        expectStatus(
          await c.pushBlob({ content: emptyJSONBlob, contentLength: '2', digest: emptyJSONDigest }),
          '2xx',
        )
        const withSubject = async (m: TestBlob, subject: TestBlob, mediaType = OCI_MANIFEST) => {
          const res = await c.putManifest(m.digest, m, mediaType)
          expectStatus(res, '2xx')
          assert.equal(res.headers.get('oci-subject'), subject.digest, res.info)
        }
        // A reference blob, then referrers pushed before their subject exists.
        expectStatus(await c.pushBlob(testRefBlobA), '2xx')
        await withSubject(refsManifestAConfigArtifact, manifests[4]!)
        await withSubject(refsManifestALayerArtifact, manifests[4]!)
        await withSubject(refsIndexArtifact, manifests[4]!, OCI_INDEX)
        // The subject.
        expectStatus(await c.pushBlob(configs[4]!), '2xx')
        expectStatus(await c.pushBlob(layer), '2xx')
        expectStatus(await c.putManifest(testTagName, manifests[4]!), '2xx')
        // Referrers pushed after their subject, and one whose subject (manifests[3]) is absent.
        expectStatus(await c.pushBlob(testRefBlobB), '2xx')
        await withSubject(refsManifestBConfigArtifact, manifests[4]!)
        await withSubject(refsManifestBLayerArtifact, manifests[4]!)
        await withSubject(refsManifestCLayerArtifact, manifests[3]!)
      })
    })

    describe('Test content discovery endpoints (listing tags)', () => {
      const list = (query?: Record<string, string>) =>
        c.send('GET', '/v2/<name>/tags/list', query ? { query } : {})
      it('GET request to list tags should yield 200 response', async () => {
        const res = await list()
        expectStatus(res, 200)
        tagList = tagsOf(res)
        numTags = tagList.length
      })
      it('GET number of tags should be limitable by `n` query parameter', async () => {
        const numResults = Math.floor(numTags / 2)
        const res = await list({ n: String(numResults) })
        expectStatus(res, 200)
        tagList = tagsOf(res)
        assert.equal(tagList.length, numResults)
      })
      it('GET start of tag is set by `last` query parameter', async () => {
        const numResults = Math.floor(numTags / 2)
        tagList = tagsOf(await list({ n: String(numResults) }))
        const res = await list({ n: String(numResults), last: tagList[numResults - 1]! })
        expectStatus(res, 200)
        // As in the suite, these look at the first page again (it does not reassign tagList).
        assert.ok(tagList.length <= numResults)
        assert.ok(tagList.includes(tagList[numResults - 1]!))
      })
    })

    describe('Test content discovery endpoints (listing references)', () => {
      const referrers = (digest: string, query?: Record<string, string>) =>
        c.send('GET', '/v2/<name>/referrers/<digest>', { digest, ...(query ? { query } : {}) })
      it('GET request to nonexistent blob should result in empty 200 response', async () => {
        assert.equal(referrersOf(await referrers(dummyDigest)).length, 0)
      })
      it('GET request to existing blob should yield 200', async () => {
        const list = referrersOf(await referrers(manifests[4]!.digest))
        assert.equal(list.length, 5)
        assert.notEqual(list[0]!.digest, list[1]!.digest)
        expectAnnotations(list)
      })
      it('GET request to existing blob with filter should yield 200', async (t) => {
        const res = await referrers(manifests[4]!.digest, { artifactType: testRefArtifactTypeA })
        const list = referrersOf(res)
        if (res.headers.get('oci-filters-applied')) {
          assert.equal(list.length, 2)
          assert.equal(res.headers.get('oci-filters-applied'), artifactTypeFilter)
        } else {
          assert.equal(list.length, 5)
          c.warn(t, 'filtering by artifact-type is not implemented')
        }
        expectAnnotations(list)
      })
      it('GET request to missing manifest should yield 200', async () => {
        const list = referrersOf(await referrers(manifests[3]!.digest))
        assert.equal(list.length, 1)
        assert.equal(list[0]!.digest, refsManifestCLayerArtifact.digest)
      })
    })

    describe('Teardown', () => {
      const deleteAll = async (kind: 'manifests' | 'blobs', refs: string[]) => {
        for (const ref of refs) expectStatus(await c.del(kind, ref), '2xx', 405, 404)
      }
      const manifestsAndTags = async (t: TestContext) => {
        if (!runOnlyIf(t, setup)) return
        await deleteAll('manifests', [
          refsIndexArtifact.digest,
          manifests[2]!.digest,
          manifests[4]!.digest,
          refsManifestAConfigArtifact.digest,
          refsManifestALayerArtifact.digest,
          testTagName,
          refsManifestBConfigArtifact.digest,
          refsManifestBLayerArtifact.digest,
          refsManifestCLayerArtifact.digest,
        ])
      }
      const manifestsFirst = c.s.deleteManifestBeforeBlobs
      if (manifestsFirst) it('Delete created manifest & associated tags', manifestsAndTags)
      it('Delete config blob created in tests', async (t) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.del('blobs', configs[2]!.digest), '2xx', 405)
      })
      it('Delete layer blob created in setup', async (t) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.del('blobs', layer.digest), '2xx', 405)
      })
      if (!manifestsFirst) it('Delete created manifest & associated tags', manifestsAndTags)
      it('References teardown', async (t) => {
        if (!runOnlyIf(t, setup)) return
        const refManifests = [
          refsIndexArtifact.digest,
          refsManifestAConfigArtifact.digest,
          refsManifestALayerArtifact.digest,
          manifests[4]!.digest,
          refsManifestBConfigArtifact.digest,
          refsManifestBLayerArtifact.digest,
        ]
        if (manifestsFirst) await deleteAll('manifests', refManifests)
        await deleteAll('blobs', [
          configs[4]!.digest,
          testRefBlobA.digest,
          testRefBlobB.digest,
          emptyJSONDigest,
        ])
        if (!manifestsFirst) await deleteAll('manifests', refManifests)
      })
    })
  })
}

export function managementWorkflow(c: SuiteContext): void {
  describe('Content Management', () => {
    const defaultTagName = 'tagtest0'
    let tagToDelete = ''
    let numTags = 0
    let blobDeleteAllowed = true
    const setup = c.s.runContentManagementSetup
    const tagCount = (res: SuiteResponse) => {
      expectStatus(res, 200)
      return ((JSON.parse(res.body.toString()) as { tags: string[] | null }).tags ?? []).length
    }

    describe('Setup', () => {
      it('Populate registry with test config blob', async (t) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.pushBlob(configs[3]!), '2xx')
      })
      it('Populate registry with test layer', async (t) => {
        if (runOnlyIf(t, setup)) expectStatus(await c.pushBlob(layer), '2xx')
      })
      it('Populate registry with test tag', async (t) => {
        if (!runOnlyIf(t, setup)) return
        tagToDelete = defaultTagName
        expectStatus(await c.putManifest(tagToDelete, manifests[3]!), '2xx')
      })
      it('Check how many tags there are before anything gets deleted', async (t) => {
        if (runOnlyIf(t, setup)) numTags = tagCount(await c.send('GET', '/v2/<name>/tags/list'))
      })
    })

    describe('Manifest delete', () => {
      it('DELETE request to manifest tag should return 202, unless tag deletion is disallowed (400/405)', async () => {
        const res = await c.send('DELETE', '/v2/<name>/manifests/<reference>', { reference: tagToDelete })
        expectStatus(res, 400, 202, 405)
        if (res.status === 400) {
          const errors = res.errors()
          assert.ok(errors.length > 0)
          assert.equal(errors[0]!.code, 'UNSUPPORTED')
        }
      })
      it('DELETE request to manifest (digest) should yield 202 response unless already deleted', async () => {
        expectStatus(await c.del('manifests', manifests[3]!.digest), 202, 404)
      })
      it('GET request to deleted manifest URL should yield 404 response, unless delete is disallowed', async () => {
        const res = await c.send('GET', '/v2/<name>/manifests/<digest>', { digest: manifests[3]!.digest })
        expectStatus(res, 404, 200)
      })
      it('GET request to tags list should reflect manifest deletion', async () => {
        const left = tagCount(await c.send('GET', '/v2/<name>/tags/list'))
        assert.ok(left < numTags, `${left} tags left of ${numTags}`)
      })
    })

    describe('Blob delete', () => {
      it('DELETE request to blob URL should yield 202 response', async (t) => {
        if (!runOnlyIf(t, setup)) return
        expectStatus(await c.del('blobs', configs[3]!.digest), 202, 404, 405)
        const res = await c.del('blobs', layer.digest)
        expectStatus(res, 202, 404, 405)
        if (res.status === 405) blobDeleteAllowed = false
      })
      it('GET request to deleted blob URL should yield 404 response', async (t) => {
        if (!runOnlyIf(t, setup) || !runOnlyIf(t, blobDeleteAllowed)) return
        expectStatus(await c.getBlob('GET', configs[3]!.digest), 404)
      })
    })
    // The suite has an empty Teardown here.
  })
}
