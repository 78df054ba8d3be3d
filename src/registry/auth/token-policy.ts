// Who gets which scopes from the token route: signed-in accounts get what the ACL allows
// (everything when no ACL is configured); anonymous clients get pull only when anonymous
// pull is enabled. Requested actions outside the grant are dropped, never refused (token spec).
import type { Access } from './access.ts'

export interface AclEntry {
  /** Account name, or "*" for any signed-in account. */
  account: string
  /** Repository name pattern; "*" matches any run of characters (including "/"). */
  name: string
  actions: string[]
}

export interface TokenPolicy {
  anonymousPull: boolean
  acl?: AclEntry[]
}

export function grant(policy: TokenPolicy, account: string | undefined, requested: Access[]): Access[] {
  const out: Access[] = []
  for (const r of requested) {
    const allowed = r.actions.filter((act) => allows(policy, account, r, act))
    if (allowed.length > 0) out.push({ ...r, actions: allowed })
  }
  return out
}

function allows(policy: TokenPolicy, account: string | undefined, r: Access, action: string): boolean {
  if (account === undefined) return policy.anonymousPull && r.type === 'repository' && action === 'pull'
  if (!policy.acl) return true
  const kind = r.type === 'registry' ? `registry:${r.name}` : r.name
  return policy.acl.some(
    (e) =>
      (e.account === '*' || e.account === account) &&
      globMatch(e.name, kind) &&
      (e.actions.includes('*') || e.actions.includes(action)),
  )
}

function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`)
  return re.test(s)
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
