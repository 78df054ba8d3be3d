// Bundles the executables with esbuild so they start fast (one file, no module resolution).
import { build } from 'esbuild'

const entries = {
  berth: 'src/cmd/berth.ts',
  berthd: 'src/cmd/berthd.ts',
  'berth-registry': 'src/cmd/berth-registry.ts',
}
await build({
  entryPoints: entries,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Native addons stay in node_modules (dist/ sits beside it).
  external: ['node-unix-socket'],
  banner: {
    js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);",
  },
})
