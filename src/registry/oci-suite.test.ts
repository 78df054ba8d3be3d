// The OCI distribution-spec v1.1 conformance suite (opencontainers/distribution-spec,
// conformance/setup.go with 01_pull_test.go … 04_management_test.go), ported check by check to
// node:test and run against a real berth-registry on loopback: same order, same setup and
// teardown, same expected statuses, headers and bodies, each spec under the suite's name.
// It runs twice on fresh registries: with the suite's defaults (no OCI_* variable set:
// manifests deleted before blobs, no automatic cross-mount test, a conformance-<uuid> mount
// namespace), and with the README's example settings (OCI_CROSSMOUNT_NAMESPACE=myorg/other,
// OCI_DELETE_MANIFEST_BEFORE_BLOBS=0) plus OCI_AUTOMATIC_CROSSMOUNT=1, since berth-registry
// mounts a blob named without `from`. Specs the suite would skip under a setting are skipped.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SuiteContext } from './oci-suite-context.ts'
import { discoveryWorkflow, managementWorkflow } from './oci-suite-discovery.ts'
import { type SuiteSettings, suiteSettings } from './oci-suite-fixtures.ts'
import { pullWorkflow, pushWorkflow } from './oci-suite-pull-push.ts'
import { rewriteChecks } from './oci-suite-rewrite.ts'
import { rewriteDataFlows } from './oci-suite-rewrite-flow.ts'
import { startTestRegistry } from './testing.ts'

function conformanceSuite(title: string, settings: SuiteSettings): void {
  describe(title, () => {
    const c = new SuiteContext(settings)
    let reg: Awaited<ReturnType<typeof startTestRegistry>> | undefined
    before(async () => {
      reg = await startTestRegistry()
      c.connect(reg.url)
    })
    after(async () => {
      await reg?.close()
    })

    describe('OCI Distribution Conformance Tests', () => {
      pullWorkflow(c)
      pushWorkflow(c)
      discoveryWorkflow(c)
      managementWorkflow(c)
    })

    // Not one of the suite's checks: its Warn() calls (manifest without layers refused,
    // artifactType filter missing) do not fail a run, but berth-registry should trigger none.
    it('(berth) the suite printed no warnings', () => {
      assert.deepEqual(c.warnings, [])
    })
  })
}

conformanceSuite('default settings', suiteSettings())
conformanceSuite(
  'blobs deleted before manifests, automatic cross-mount on',
  suiteSettings({
    crossmountNamespace: 'myorg/other',
    deleteManifestBeforeBlobs: false,
    runAutomaticCrossmountTest: true,
    automaticCrossmountEnabled: true,
  }),
)

// Newer upstream conformance code (a rewrite outside Ginkgo) checks more; its blob, range and
// manifest-error checks are in oci-suite-rewrite.ts, its data sets in oci-suite-rewrite-flow.ts.
rewriteChecks()
rewriteDataFlows()
