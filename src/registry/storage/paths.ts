// The registry's storage layout, and the one function family that builds driver paths
// (distribution's storage/paths.go). Blobs are stored once; repositories hold links.
//
// /
// ├── blobs/<alg>/<hex[0:2]>/<hex>/data             blob and manifest bytes, by digest
// └── repositories/<name…>/
//     ├── _layers/<alg>/<hex>/link                  blob linked into the repo (holds the digest)
//     ├── _manifests/revisions/<alg>/<hex>/link     manifest in the repo: {"digest","mediaType","size"}
//     ├── _manifests/tags/<tag>/link                tag → manifest digest
//     ├── _referrers/<alg>/<hex>/<ralg>-<rhex>      referrer descriptor (JSON) of subject <alg>:<hex>
//     └── _uploads/<uuid>/{data,startedat,alg}      upload session
import { algorithmOf, type Digest, encodedOf } from '../../oci/index.ts'

const BLOBS = '/blobs'
const REPOS = '/repositories'

export const paths = {
  blobsRoot: (): string => BLOBS,
  blob(d: Digest): string {
    const hex = encodedOf(d)
    return `${BLOBS}/${algorithmOf(d)}/${hex.slice(0, 2)}/${hex}`
  },
  blobData: (d: Digest): string => `${paths.blob(d)}/data`,
  reposRoot: (): string => REPOS,
  repo: (name: string): string => `${REPOS}/${name}`,
  layer: (name: string, d: Digest): string => `${REPOS}/${name}/_layers/${algorithmOf(d)}/${encodedOf(d)}`,
  layerLink: (name: string, d: Digest): string => `${paths.layer(name, d)}/link`,
  layersRoot: (name: string): string => `${REPOS}/${name}/_layers`,
  revision: (name: string, d: Digest): string =>
    `${REPOS}/${name}/_manifests/revisions/${algorithmOf(d)}/${encodedOf(d)}`,
  revisionLink: (name: string, d: Digest): string => `${paths.revision(name, d)}/link`,
  revisionsRoot: (name: string): string => `${REPOS}/${name}/_manifests/revisions`,
  tagLink: (name: string, tag: string): string => `${REPOS}/${name}/_manifests/tags/${tag}/link`,
  tag: (name: string, tag: string): string => `${REPOS}/${name}/_manifests/tags/${tag}`,
  tagsRoot: (name: string): string => `${REPOS}/${name}/_manifests/tags`,
  referrersOf: (name: string, subject: Digest): string =>
    `${REPOS}/${name}/_referrers/${algorithmOf(subject)}/${encodedOf(subject)}`,
  referrer: (name: string, subject: Digest, d: Digest): string =>
    `${paths.referrersOf(name, subject)}/${algorithmOf(d)}-${encodedOf(d)}`,
  upload: (name: string, id: string): string => `${REPOS}/${name}/_uploads/${id}`,
  uploadData: (name: string, id: string): string => `${REPOS}/${name}/_uploads/${id}/data`,
  uploadInfo: (name: string, id: string): string => `${REPOS}/${name}/_uploads/${id}/info`,
  uploadsRoot: (name: string): string => `${REPOS}/${name}/_uploads`,
}

/** Directory names under a repository that are not part of its name. */
export const REPO_MARKERS = ['_layers', '_manifests', '_uploads', '_referrers'] as const
