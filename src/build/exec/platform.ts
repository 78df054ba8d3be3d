// Platforms and the predefined build args: TARGETPLATFORM/TARGETOS/TARGETARCH/TARGETVARIANT and
// BUILDPLATFORM/BUILDOS/BUILDARCH/BUILDVARIANT (the Dockerfile reference's "Automatic platform
// ARGs in the global scope"), and the proxy args usable without an ARG line.
import { parsePlatform } from '../../image/index.ts'
import type { BuildRun } from './build-run.ts'

export type Platform = { os: string; architecture: string; variant?: string }

export function parsePlatformArg(s: string | undefined): Platform {
  return parsePlatform(s || undefined)
}

function platformString(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/')
}

/** Proxy args Docker passes to RUN without an ARG line (and keeps out of history). */
export const PROXY_ARGS = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
]

export function predefinedArgs(run: BuildRun): Record<string, string> {
  const target = parsePlatformArg(run.opts.platform)
  const build = parsePlatformArg(undefined)
  return {
    TARGETPLATFORM: platformString(target),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
    BUILDPLATFORM: platformString(build),
    BUILDOS: build.os,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
  }
}
