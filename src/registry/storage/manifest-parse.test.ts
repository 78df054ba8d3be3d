import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ManifestInvalidError } from '../errors.ts'
import { parseManifest } from './manifest-parse.ts'

const d = (c: string) => `sha256:${c.repeat(64)}`
const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('a'), size: 2 }
const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('b'), size: 3 }
const foreign = {
  mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  digest: d('c'),
  size: 4,
}
const enc = (o: object) => Buffer.from(JSON.stringify(o))

describe('parseManifest', () => {
  it('lists required blobs of an image manifest, skipping foreign layers', () => {
    const m = parseManifest(
      enc({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config,
        layers: [layer, foreign],
      }),
      undefined,
    )
    assert.equal(m.kind, 'manifest')
    assert.deepEqual(
      m.blobs.map((b) => b.digest),
      [d('a'), d('b')],
    )
    assert.equal(m.artifactType, config.mediaType)
  })
  it('takes the media type from Content-Type when the body has none', () => {
    const m = parseManifest(
      enc({ schemaVersion: 2, config, layers: [] }),
      'application/vnd.oci.image.manifest.v1+json',
    )
    assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json')
  })
  it('parses an index with subject and artifactType', () => {
    const m = parseManifest(
      enc({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        artifactType: 'x/y',
        manifests: [{ ...config, mediaType: 'application/vnd.oci.image.manifest.v1+json' }],
        subject: { ...config, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
      }),
      undefined,
    )
    assert.equal(m.kind, 'index')
    assert.equal(m.manifests.length, 1)
    assert.equal(m.subject?.digest, d('a'))
    assert.equal(m.artifactType, 'x/y')
  })
  it('rejects what is not a valid manifest', () => {
    const cases: [Buffer, string | undefined][] = [
      [Buffer.from('nope'), undefined],
      [enc([]), undefined],
      [
        enc({
          schemaVersion: 1,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config,
          layers: [],
        }),
        undefined,
      ],
      [enc({ schemaVersion: 2, mediaType: 'application/x-unknown' }), undefined],
      [
        enc({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] }),
        undefined,
      ],
      [
        enc({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { ...config, digest: 'sha256:XYZ' },
          layers: [],
        }),
        undefined,
      ],
      [
        enc({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { ...config, size: -1 },
          layers: [],
        }),
        undefined,
      ],
      [
        enc({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config,
          layers: [],
        }),
        'application/vnd.oci.image.index.v1+json',
      ],
    ]
    for (const [body, ct] of cases)
      assert.throws(() => parseManifest(body, ct), ManifestInvalidError, body.toString())
  })
})
