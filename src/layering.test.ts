// Enforces STYLE.md §3: which top-level folder of src/ may import which. A violation fails the
// suite instead of waiting for review. Test files follow the same table.
import assert from 'node:assert/strict'
import { globSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { it } from 'node:test'

const SRC = import.meta.dirname

const ALLOWED: Record<string, string[]> = {
  lib: [],
  oci: ['lib'],
  events: ['lib'],
  runtime: ['lib', 'oci'],
  image: ['lib', 'oci', 'events'],
  volume: ['lib', 'oci', 'events'],
  network: ['lib', 'oci', 'events'],
  container: ['runtime', 'image', 'network', 'volume', 'events', 'oci', 'lib'],
  build: ['container', 'image', 'events', 'oci', 'lib'],
  system: ['container', 'image', 'runtime', 'events', 'lib'],
  api: ['container', 'image', 'network', 'volume', 'events', 'oci', 'lib', 'system', 'build'],
  registry: ['oci', 'lib'],
  client: ['api', 'lib'],
  cli: ['client', 'api', 'oci', 'lib'],
  compose: ['client', 'api', 'oci', 'lib'],
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g),
    ...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!)
}

it('imports follow the layering table', () => {
  const violations: string[] = []
  for (const file of globSync('**/*.ts', { cwd: SRC })) {
    const from = file.split('/')[0]!
    const allowed = ALLOWED[from]
    if (!allowed) continue // daemon/ and cmd/ may import anything
    for (const spec of importsOf(join(SRC, file))) {
      const target = relative(SRC, resolve(dirname(join(SRC, file)), spec))
      const to = target.split('/')[0]!
      if (to === from || target.startsWith('..')) continue
      const typesOnly =
        (from === 'client' || from === 'cli') && to === 'api' && !target.startsWith('api/types')
      // The CLI packs build contexts with the daemon's own .dockerignore matcher (a pure module).
      const sharedMatcher = from === 'cli' && target === 'build/context/dockerignore.ts'
      const ok = (allowed.includes(to) && !typesOnly) || sharedMatcher
      const adapter = from === 'api' && (/^runtime\/conmon/.test(target) || to === 'client')
      if (!ok || adapter) violations.push(`${file} imports ${target}`)
    }
  }
  assert.deepEqual(violations, [])
})
