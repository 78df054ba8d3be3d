// The detach keys a session uses, as docker's CLI picks them: `--detach-keys`, else the
// client config's `detachKeys` ($DOCKER_CONFIG/config.json), else the daemon's default.
import { readFileSync } from 'node:fs'
import type { CliContext } from '../../context.ts'
import { flag, type ParseResult } from '../../flags.ts'
import { configPath } from '../system/credentials.ts'

export function detachKeysOf(ctx: CliContext, flags: ParseResult): string | undefined {
  const given = flag.str(flags, 'detach-keys')
  if (given) return given
  try {
    const config = JSON.parse(readFileSync(configPath(ctx.env), 'utf8')) as { detachKeys?: unknown }
    return typeof config.detachKeys === 'string' && config.detachKeys !== '' ? config.detachKeys : undefined
  } catch {
    // No client config (or an unreadable one): docker falls back to the default keys too.
    return undefined
  }
}
