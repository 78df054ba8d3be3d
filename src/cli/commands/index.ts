// The command table: every path docker has (top-level shortcuts and `container|image|system`
// groups) mapped to one lazily imported verb module. No module is loaded until it is invoked.
import type { CommandModule } from '../command.ts'

type Loader = () => Promise<CommandModule>

const container: Record<string, Loader> = {
  run: () => import('./container/run.ts'),
  create: () => import('./container/create.ts'),
  start: () => import('./container/start.ts'),
  stop: () => import('./container/stop.ts'),
  kill: () => import('./container/kill.ts'),
  restart: () => import('./container/restart.ts'),
  wait: () => import('./container/wait.ts'),
  rm: () => import('./container/rm.ts'),
  pause: () => import('./container/pause.ts'),
  unpause: () => import('./container/unpause.ts'),
  rename: () => import('./container/rename.ts'),
  top: () => import('./container/top.ts'),
  ls: () => import('./container/ls.ts'),
  logs: () => import('./container/logs.ts'),
  attach: () => import('./container/attach.ts'),
  exec: () => import('./container/exec.ts'),
  stats: () => import('./container/stats.ts'),
  inspect: () => import('./container/inspect.ts'),
  prune: () => import('./container/prune.ts'),
  cp: () => import('./container/cp.ts'),
  commit: () => import('./container/commit.ts'),
  diff: () => import('./container/diff.ts'),
  export: () => import('./container/export.ts'),
  port: () => import('./container/port.ts'),
  update: () => import('./container/update.ts'),
}

const image: Record<string, Loader> = {
  ls: () => import('./image/ls.ts'),
  inspect: () => import('./image/inspect.ts'),
  history: () => import('./image/history.ts'),
  tag: () => import('./image/tag.ts'),
  rm: () => import('./image/rm.ts'),
  load: () => import('./image/load.ts'),
  save: () => import('./image/save.ts'),
  import: () => import('./image/import.ts'),
  pull: () => import('./image/pull.ts'),
  push: () => import('./image/push.ts'),
  prune: () => import('./image/prune.ts'),
  build: () => import('./image/build.ts'),
}

const builder: Record<string, Loader> = {
  build: image.build as Loader,
  prune: () => import('./builder/prune.ts'),
}

const volume: Record<string, Loader> = {
  create: () => import('./volume/create.ts'),
  ls: () => import('./volume/ls.ts'),
  inspect: () => import('./volume/inspect.ts'),
  rm: () => import('./volume/rm.ts'),
  prune: () => import('./volume/prune.ts'),
}

const network: Record<string, Loader> = {
  create: () => import('./network/create.ts'),
  ls: () => import('./network/ls.ts'),
  inspect: () => import('./network/inspect.ts'),
  rm: () => import('./network/rm.ts'),
  prune: () => import('./network/prune.ts'),
  connect: () => import('./network/connect.ts'),
  disconnect: () => import('./network/disconnect.ts'),
}

const system: Record<string, Loader> = {
  df: () => import('./system/df.ts'),
  events: () => import('./system/events.ts'),
  info: () => import('./system/info.ts'),
  prune: () => import('./system/prune.ts'),
}

export const GROUPS: Record<
  string,
  { verbs: Record<string, Loader>; aliases: Record<string, string>; short: string }
> = {
  container: {
    verbs: container,
    aliases: { ps: 'ls', list: 'ls', remove: 'rm' },
    short: 'Manage containers',
  },
  image: { verbs: image, aliases: { list: 'ls', remove: 'rm', rmi: 'rm' }, short: 'Manage images' },
  builder: { verbs: builder, aliases: {}, short: 'Manage builds' },
  system: { verbs: system, aliases: {}, short: 'Manage Docker' },
  volume: { verbs: volume, aliases: { list: 'ls', remove: 'rm' }, short: 'Manage volumes' },
  network: { verbs: network, aliases: { list: 'ls', remove: 'rm' }, short: 'Manage networks' },
}

/** Top-level shortcuts: `berth ps` is `berth container ls`, printed as "berth ps" in usage. */
export const TOP_LEVEL: Record<string, Loader> = {
  run: container.run as Loader,
  create: container.create as Loader,
  start: container.start as Loader,
  stop: container.stop as Loader,
  kill: container.kill as Loader,
  restart: container.restart as Loader,
  wait: container.wait as Loader,
  rm: container.rm as Loader,
  pause: container.pause as Loader,
  unpause: container.unpause as Loader,
  rename: container.rename as Loader,
  top: container.top as Loader,
  ps: container.ls as Loader,
  logs: container.logs as Loader,
  attach: container.attach as Loader,
  exec: container.exec as Loader,
  stats: container.stats as Loader,
  cp: container.cp as Loader,
  commit: container.commit as Loader,
  diff: container.diff as Loader,
  export: container.export as Loader,
  port: container.port as Loader,
  update: container.update as Loader,
  inspect: () => import('./inspect.ts'),
  images: image.ls as Loader,
  rmi: image.rm as Loader,
  tag: image.tag as Loader,
  history: image.history as Loader,
  load: image.load as Loader,
  save: image.save as Loader,
  import: image.import as Loader,
  pull: image.pull as Loader,
  push: image.push as Loader,
  build: image.build as Loader,
  login: () => import('./system/login.ts'),
  logout: () => import('./system/logout.ts'),
  version: () => import('./system/version.ts'),
  info: system.info as Loader,
  events: system.events as Loader,
}

export interface Resolved {
  /** Path as usage prints it, e.g. "ps" or "container ls". */
  path: string
  load: Loader
  rest: string[]
}

/** Resolves argv (after global flags) to a verb, or reports the unknown path. */
export function resolveCommand(args: string[]): Resolved | { unknown: string } | { group: string } {
  const [first = '', second, ...more] = args
  const group = GROUPS[first]
  if (group) {
    if (second === undefined || second.startsWith('-')) return { group: first }
    const verb = group.aliases[second] ?? second
    const load = group.verbs[verb]
    if (!load) return { unknown: `${first} ${second}` }
    return { path: `${first} ${verb}`, load, rest: more }
  }
  const load = TOP_LEVEL[first]
  if (!load) return { unknown: first }
  return { path: first, load, rest: args.slice(1) }
}
