// Engine API event filters: type, event (action), container, image, label, volume, network,
// daemon, scope. A filter key's values are OR-ed; different keys are AND-ed.
import type { EngineEvent } from './event-bus.ts'

export function eventMatches(e: EngineEvent, f: Record<string, string[]>): boolean {
  const any = (key: string, test: (v: string) => boolean) => !f[key]?.length || f[key].some(test)
  const attrs = e.Actor.Attributes
  const actorMatches = (type: string) => (v: string) =>
    e.Type === type && (e.Actor.ID === v || e.Actor.ID.startsWith(v) || attrs.name === v)
  return (
    any('type', (v) => e.Type === v) &&
    any('event', (v) => e.Action === v || e.Action.startsWith(`${v}:`)) &&
    any('container', actorMatches('container')) &&
    any(
      'image',
      (v) => (e.Type === 'image' && (e.Actor.ID === v || attrs.name === v)) || attrs.image === v,
    ) &&
    any('volume', actorMatches('volume')) &&
    any('network', actorMatches('network')) &&
    any('scope', (v) => e.scope === v) &&
    any('label', (v) => {
      const i = v.indexOf('=')
      return i < 0 ? v in attrs : attrs[v.slice(0, i)] === v.slice(i + 1)
    })
  )
}
