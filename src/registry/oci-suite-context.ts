// Shared state and helpers of the ported OCI conformance suite (see oci-suite.test.ts): one
// SuiteContext per run (its registry, settings, client and warnings), the status matchers the
// suite uses (Ginkgo's SatisfyAny of 2xx and given codes), and its skip rule. Used only by tests.
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import {
  OCI_INDEX,
  OCI_MANIFEST,
  type SuiteRequest,
  type SuiteResponse,
  type SuiteSettings,
  suiteClient,
  type TestBlob,
  testAnnotationKey,
  testAnnotationValues,
} from './oci-suite-fixtures.ts'

export const OCTET = 'application/octet-stream'

export class SuiteContext {
  readonly s: SuiteSettings
  readonly warnings: string[] = []
  #send: ReturnType<typeof suiteClient> | undefined

  constructor(s: SuiteSettings) {
    this.s = s
  }

  /** Points the client at a started registry (called from `before`). */
  connect(baseUrl: string): void {
    this.#send = suiteClient(baseUrl, this.s.namespace)
  }

  send(method: string, path: string, req?: SuiteRequest): Promise<SuiteResponse> {
    assert.ok(this.#send, 'registry not started')
    return this.#send(method, path, req)
  }

  /** The suite's Warn(): printed, does not fail the spec; collected for a final check. */
  warn(t: TestContext, message: string): void {
    this.warnings.push(`${t.fullName}: ${message}`)
    t.diagnostic(`WARNING: ${message}`)
  }

  /** POST for a session, then PUT the whole blob with ?digest= (the suite's setup uploads). */
  async pushBlob(b: TestBlob): Promise<SuiteResponse> {
    const start = await this.send('POST', '/v2/<name>/blobs/uploads/')
    return await this.send('PUT', start.relativeLocation(), {
      query: { digest: b.digest },
      headers: { 'Content-Type': OCTET, 'Content-Length': b.contentLength },
      body: b.content,
    })
  }

  putManifest(ref: string, b: TestBlob, mediaType = OCI_MANIFEST): Promise<SuiteResponse> {
    return this.send('PUT', '/v2/<name>/manifests/<reference>', {
      reference: ref,
      headers: { 'Content-Type': mediaType },
      body: b.content,
    })
  }

  del(kind: 'manifests' | 'blobs', ref: string): Promise<SuiteResponse> {
    return this.send('DELETE', `/v2/<name>/${kind}/<digest>`, { digest: ref })
  }

  /** GET or HEAD a manifest; `accept` adds the suite's Accept: OCI manifest header. */
  getManifest(method: string, ref: string, accept = true): Promise<SuiteResponse> {
    return this.send(method, '/v2/<name>/manifests/<reference>', {
      reference: ref,
      ...(accept ? { headers: { Accept: OCI_MANIFEST } } : {}),
    })
  }

  getBlob(method: string, digest: string): Promise<SuiteResponse> {
    return this.send(method, '/v2/<name>/blobs/<digest>', { digest })
  }
}

export type Allowed = number | '2xx'

export function expectStatus(res: SuiteResponse, ...allowed: Allowed[]): void {
  const ok = allowed.some((a) => (a === '2xx' ? res.status >= 200 && res.status < 300 : res.status === a))
  assert.ok(ok, `expected ${allowed.join(' or ')}: ${res.info}`)
}

export function expectLocation(res: SuiteResponse): void {
  assert.notEqual(res.headers.get('location') ?? '', '', `Location missing: ${res.info}`)
}

/** RunOnlyIf: the spec is skipped (not failed) when the condition does not hold. */
export function runOnlyIf(t: TestContext, cond: boolean): boolean {
  if (!cond) t.skip('you have skipped this test.')
  return cond
}

/** getTagList: the `tags` of a tag list body, [] when it does not parse. */
export function tagsOf(res: SuiteResponse): string[] {
  try {
    return (JSON.parse(res.body.toString()) as { tags?: string[] | null }).tags ?? []
  } catch {
    return []
  }
}

export type ReferrerList = { digest: string; annotations?: Record<string, string> }[]

/** A referrers response: 200, Content-Type OCI index, and its manifests. */
export function referrersOf(res: SuiteResponse): ReferrerList {
  expectStatus(res, 200)
  assert.equal(res.headers.get('content-type'), OCI_INDEX)
  return (JSON.parse(res.body.toString()) as { manifests?: ReferrerList }).manifests ?? []
}

/** Each descriptor carries exactly the one annotation of the manifest it lists. */
export function expectAnnotations(list: ReferrerList): void {
  for (const m of list) {
    assert.equal(Object.keys(m.annotations ?? {}).length, 1, `annotations of ${m.digest}`)
    assert.equal(m.annotations?.[testAnnotationKey], testAnnotationValues.get(m.digest))
  }
}
