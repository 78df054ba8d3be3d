// Where the image domain keeps everything under the daemon's data root. Every path is built
// here and nowhere else.
//
// <root>/
// ├── image/
// │   ├── content/
// │   │   ├── blobs/sha256/<hex>      verified blobs: image configs, uncompressed layer tars (by diffId)
// │   │   └── ingest/<random>         blobs being written (hashed, then renamed); emptied at init
// │   ├── images/<id-hex>.json        one ImageRecord per image; writing it makes the image visible
// │   ├── repositories.json           {"refs": {"docker.io/library/busybox:latest": "sha256:<id>"}}
// │   ├── tmp/                        staging for `docker load` and push compression; emptied at init
// │   └── distribution/               what pull and push learnt from registries (pull/distribution-store.ts)
// │       ├── manifests/<hex>         manifests and indexes by digest (kept for RepoDigests; GC never scans here)
// │       └── layers.json             {"<diffId>": [{digest, mediaType, size, repository}]}: compressed blobs seen
// └── overlay/
//     ├── l/<short>                   symlink -> ../layers/<chainId-hex>/diff (short lowerdir names)
//     ├── layers/<chainId-hex>/       one unpacked layer, shared by every image that has it
//     │   ├── diff/                   the layer's files (overlayfs whiteouts)
//     │   └── layer.json              {diffId, chainId, parent, link, size}
//     ├── containers/<key>/           one container rootfs
//     │   ├── upper/ work/ merged/
//     │   └── rootfs.json             {imageId, chainIds, lower}
//     ├── empty/                      the lower directory of an image without layers
//     └── tmp/                        layers being unpacked (renamed into layers/ when complete)
import { join } from 'node:path'
import { type Digest, encodedOf } from '../oci/index.ts'

export class StorePaths {
  readonly root: string
  constructor(root: string) {
    this.root = root
  }
  get imageDir(): string {
    return join(this.root, 'image')
  }
  get blobsDir(): string {
    return join(this.imageDir, 'content', 'blobs', 'sha256')
  }
  blob(d: Digest): string {
    return join(this.blobsDir, encodedOf(d))
  }
  get ingestDir(): string {
    return join(this.imageDir, 'content', 'ingest')
  }
  get recordsDir(): string {
    return join(this.imageDir, 'images')
  }
  record(id: Digest): string {
    return join(this.recordsDir, `${encodedOf(id)}.json`)
  }
  get repositories(): string {
    return join(this.imageDir, 'repositories.json')
  }
  get imageTmp(): string {
    return join(this.imageDir, 'tmp')
  }
  get distributionDir(): string {
    return join(this.imageDir, 'distribution')
  }
  manifest(d: Digest): string {
    return join(this.distributionDir, 'manifests', encodedOf(d))
  }
  get distributionLayers(): string {
    return join(this.distributionDir, 'layers.json')
  }
  get overlayDir(): string {
    return join(this.root, 'overlay')
  }
  get linksDir(): string {
    return join(this.overlayDir, 'l')
  }
  get layersDir(): string {
    return join(this.overlayDir, 'layers')
  }
  layer(chainId: Digest): string {
    return join(this.layersDir, encodedOf(chainId))
  }
  get containersDir(): string {
    return join(this.overlayDir, 'containers')
  }
  container(key: string): string {
    return join(this.containersDir, key)
  }
  get emptyDir(): string {
    return join(this.overlayDir, 'empty')
  }
  get overlayTmp(): string {
    return join(this.overlayDir, 'tmp')
  }
  /** Directories init() creates. */
  get all(): string[] {
    return [
      this.blobsDir,
      this.ingestDir,
      this.recordsDir,
      this.imageTmp,
      join(this.distributionDir, 'manifests'),
      this.linksDir,
      this.layersDir,
      this.containersDir,
      this.emptyDir,
      this.overlayTmp,
    ]
  }
}
