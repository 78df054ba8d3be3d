// Runs berth's tests with node:test: `unit` (src/**/*.test.ts, no root needed), `e2e`
// (test/**/*.test.ts, real daemon and containers) or `all`. Lists every collected file so a
// missing one is visible, then lets node's runner print its totals.
import { spawnSync } from 'node:child_process'
import { globSync } from 'node:fs'

const which = process.argv[2] ?? 'all'
const extra = process.argv.slice(3)
const unit = globSync('src/**/*.test.ts').sort()
const e2e = globSync('test/**/*.test.ts').sort()
const files = which === 'unit' ? unit : which === 'e2e' ? e2e : [...unit, ...e2e]
if (files.length === 0) {
  console.error(`no test files found for "${which}"`)
  process.exit(1)
}
console.log(`running ${files.length} test files (${which}):\n  ${files.join('\n  ')}`)
const res = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-concurrency=1', '--test-timeout=300000', ...extra, ...files],
  { stdio: 'inherit', env: { ...process.env, BERTH_TEST: '1' } },
)
process.exit(res.status ?? 1)
