// /system/df: images, containers (with their writable-layer sizes), volumes and build cache.
import { statusText, toSummary } from '../api/codec/containers.ts'
import { toImageSummary } from '../api/codec/images.ts'
import { toApiVolume } from '../api/codec/volumes.ts'
import type { BuildService } from '../build/index.ts'
import type { ContainerService } from '../container/index.ts'
import type { ImageServiceContract } from '../image/image-service-contract.ts'
import type { VolumeService } from '../volume/index.ts'

export async function dataUsage(
  containers: ContainerService,
  images: ImageServiceContract,
  volumes: VolumeService,
  builder?: BuildService,
): Promise<unknown> {
  const all = containers.all()
  const imageList = await images.list({ all: true })
  // dockerd lists top-level images only: a build's untagged intermediate images are left out.
  const topLevel = new Set((await images.list({ all: false })).map((i) => i.id))
  const usage = await images.usage()
  const now = Date.now()
  const containerRows = []
  for (const rec of all) {
    const rw = await images.rootfsUsage(rec.id).catch(() => 0)
    const size = imageList.find((i) => i.id === rec.imageId)?.size ?? 0
    containerRows.push(toSummary(rec, statusText(rec, now), { rw, rootFs: rw + size }))
  }
  return {
    LayersSize: usage.layersSize,
    Images: imageList
      .filter((img) => topLevel.has(img.id))
      .map((img) => ({
        ...toImageSummary(img, '1.47'),
        Containers: all.filter((c) => c.imageId === img.id).length,
        SharedSize: usage.sharedSize[img.id] ?? 0,
      })),
    Containers: containerRows,
    // Docker's UsageData: bytes under the volume's data and how many containers reference it.
    Volumes: await Promise.all(
      volumes
        .list()
        .map(async (v) =>
          toApiVolume(v, { size: await volumes.usage(v.name), refCount: volumes.usedBy(v.name).length }),
        ),
    ),
    BuildCache: builder ? await builder.usage() : [],
  }
}
