// Assertions for in-process API tests: a reply's status and JSON body checked against the Engine
// API v1.47 spec (engine-schema.ts), multiplexed-stream decoding, JSON-lines bodies. The spec
// is strict where Docker is not: see DOCKER_NULLS for the one deviation these checks accept.
import assert from 'node:assert/strict'
import type { InjectResult } from '../../src/api/app.ts'
import { responseErrors, schemaErrors } from './engine-schema.ts'

/**
 * Paths (suffixes; `*` = any array index or map key) where Docker sends `null` for an empty
 * list or map (a Go nil slice/map) although the spec types them as array/object without
 * `x-nullable`. docker CLI (Go) decodes null and empty alike, while docker-py and dockerode
 * users see `None`/`null` from a real dockerd and test for it; berth keeps Docker's null.
 */
export const DOCKER_NULLS: readonly string[] = [
  // ContainerInspect HostConfig (Docker sends every unset list as null)
  'HostConfig/Binds',
  'HostConfig/CapAdd',
  'HostConfig/CapDrop',
  'HostConfig/ExtraHosts',
  'HostConfig/SecurityOpt',
  'HostConfig/Ulimits',
  // ContainerConfig / ImageConfig
  'Config/Env',
  'Config/Cmd',
  'Config/Entrypoint',
  'Config/Volumes',
  'Config/OnBuild',
  'Config/Labels',
  // EndpointSettings of the default bridge in inspect, list and /system/df
  'NetworkSettings/Networks/*/Links',
  'NetworkSettings/Networks/*/Aliases',
  'NetworkSettings/Networks/*/DNSNames',
  'NetworkSettings/Networks/*/DriverOpts',
  'NetworkSettings/Networks/*/IPAMConfig',
  // SystemInfo
  'Plugins/Authorization',
  'RegistryConfig/AllowNondistributableArtifactsCIDRs',
  'RegistryConfig/AllowNondistributableArtifactsHostnames',
  'RegistryConfig/Mirrors',
  'GenericResources',
  'Warnings',
  // ContainerPrune / ImagePrune with nothing deleted
  'ContainersDeleted',
  'ImagesDeleted',
]

function valueAt(root: unknown, pointer: string): unknown {
  let v = root
  for (const seg of pointer.split('/').slice(1)) {
    if (typeof v !== 'object' || v === null) return undefined
    v = (v as Record<string, unknown>)[seg.replaceAll('~1', '/').replaceAll('~0', '~')]
  }
  return v
}

function isDockerNull(root: unknown, error: string): boolean {
  const m = /^(\S+) must be (array|object)$/.exec(error)
  if (!m || valueAt(root, m[1]!) !== null) return false
  const segs = m[1]!.split('/').slice(1)
  return DOCKER_NULLS.some((allowed) => {
    const want = allowed.split('/')
    if (want.length > segs.length) return false
    const tail = segs.slice(segs.length - want.length)
    return want.every((w, i) => w === '*' || w === tail[i])
  })
}

/** Spec errors of a body, minus the nulls Docker itself sends (DOCKER_NULLS). */
export function specErrors(operationId: string, body: unknown, status: number | string = 200): string[] {
  return responseErrors(operationId, body, String(status)).filter((e) => !isDockerNull(body, e))
}

/** Spec errors of a value against a definition, minus the nulls Docker itself sends. */
export function definitionErrors(name: string, value: unknown): string[] {
  return schemaErrors(name, value).filter((e) => !isDockerNull(value, e))
}

/** Asserts the status, then that the JSON body conforms to the operation's response schema. */
export function assertConforms(operationId: string, res: InjectResult, status = 200): unknown {
  assert.equal(res.status, status, `${operationId}: status ${res.status}: ${res.text()}`)
  const body = res.json()
  assert.deepEqual(specErrors(operationId, body, status), [], `${operationId} ${status} body: ${res.text()}`)
  return body
}

/** Asserts an error reply: status, an ErrorResponse body (`{"message": …}`), and its message. */
export function assertError(res: InjectResult, status: number, message: string | RegExp): void {
  assert.equal(res.status, status, `status ${res.status}: ${res.text()}`)
  const body = res.json() as { message: string }
  assert.deepEqual(definitionErrors('ErrorResponse', body), [], res.text())
  if (typeof message === 'string') assert.equal(body.message, message)
  else assert.match(body.message, message)
}

/** Splits a multiplexed stream (Engine API: 8-byte header: stream, 0, 0, 0, uint32 BE size). */
export function demux(buf: Buffer): Array<{ stream: 'stdin' | 'stdout' | 'stderr'; data: string }> {
  const out: Array<{ stream: 'stdin' | 'stdout' | 'stderr'; data: string }> = []
  let pos = 0
  while (pos < buf.length) {
    assert.ok(buf.length - pos >= 8, `truncated frame header at ${pos}`)
    const kind = buf[pos]!
    assert.ok(kind <= 2, `bad stream type ${kind} at ${pos}`)
    assert.deepEqual([...buf.subarray(pos + 1, pos + 4)], [0, 0, 0], `non-zero padding at ${pos}`)
    const size = buf.readUInt32BE(pos + 4)
    assert.ok(buf.length - pos - 8 >= size, `frame at ${pos} claims ${size} bytes`)
    const stream = (['stdin', 'stdout', 'stderr'] as const)[kind]!
    out.push({ stream, data: buf.toString('utf8', pos + 8, pos + 8 + size) })
    pos += 8 + size
  }
  return out
}

/** A newline-delimited JSON body (events, wait). */
export function jsonLines(res: InjectResult): unknown[] {
  return res
    .text()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown)
}
