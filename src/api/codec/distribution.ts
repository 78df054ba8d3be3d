// Engine API DistributionInspect ⇄ the image domain's distribution inspect result. Pure.
import type { OCIDescriptor, OCIPlatform } from '../types/common.ts'

/** The image domain's answer (image/pull/distribution-inspect.ts), as this codec reads it. */
export interface DistributionInspectResult {
  descriptor: { mediaType?: string; digest: string; size: number }
  platforms: Array<{
    architecture: string
    os: string
    'os.version'?: string
    'os.features'?: string[]
    variant?: string
  }>
}

/** The spec's DistributionInspect (both fields required). */
export interface DistributionInspect {
  Descriptor: OCIDescriptor
  Platforms: OCIPlatform[]
}

export function toDistributionInspect(r: DistributionInspectResult): DistributionInspect {
  return {
    Descriptor: { mediaType: r.descriptor.mediaType, digest: r.descriptor.digest, size: r.descriptor.size },
    Platforms: r.platforms.map((p) => ({ ...p })),
  }
}
