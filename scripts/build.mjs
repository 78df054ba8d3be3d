// Bundles the executables with esbuild so they start fast (one file, no module resolution).
import { build } from 'esbuild'

const entries = {
  berth: 'src/cmd/berth.ts',
  berthd: 'src/cmd/berthd.ts',
  'berth-registry': 'src/cmd/berth-registry.ts',
}
const outdir = process.env.BERTH_DIST_DIR ?? 'dist'
await build({
  entryPoints: entries,
  // BERTH_DIST_DIR: a private bundle (e.g. dist-exp/) for A/B measurements beside the shipped one.
  outdir,
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

// The CLI's start-up budget: these builtins cost it ~15 ms when loaded eagerly, and a bundle
// hoists every static import of a builtin to the top. Code the CLI carries loads them on first
// use (process.getBuiltinModule); this check keeps it that way.
const { readFileSync } = await import('node:fs')
const cli = readFileSync(`${outdir}/berth.mjs`, 'utf8')
const eager = cli.match(/^import [^;]*from "node:(crypto|child_process|zlib|http|https)";$/gm)
if (eager) {
  console.error(
    `${outdir}/berth.mjs loads builtins eagerly (use process.getBuiltinModule):\n${eager.join('\n')}`,
  )
  process.exit(1)
}
