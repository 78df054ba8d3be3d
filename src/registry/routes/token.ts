// The token route (GET /token, Docker token spec; POST /token, its OAuth2 password grant):
// checks Basic credentials against htpasswd and signs a token with the granted scopes.

import { InvalidArgumentError } from '../../lib/errors.ts'
import { type Access, basicChallenge, parseScopes } from '../auth/access.ts'
import { basicCredentials } from '../auth/authenticator.ts'
import type { Htpasswd } from '../auth/htpasswd.ts'
import type { TokenSigner } from '../auth/token.ts'
import { grant, type TokenPolicy } from '../auth/token-policy.ts'
import { RegistryUnauthorizedError } from '../errors.ts'
import type { RegistryRequest, Reply } from '../http.ts'
import { readLimited } from './body.ts'

export interface TokenRouteDeps {
  signer: TokenSigner
  htpasswd: Htpasswd | undefined
  policy: TokenPolicy
  service: string
  ttlSeconds: number
}

export async function tokenGet(deps: TokenRouteDeps, req: RegistryRequest): Promise<Reply> {
  let user: string | undefined
  let password: string | undefined
  let scopes = req.query.getAll('scope')
  if (req.method === 'POST') {
    const form = new URLSearchParams(
      (
        await readLimited(
          req.body,
          64 * 1024,
          () => new InvalidArgumentError('token request form is too large'),
        )
      ).toString(),
    )
    user = form.get('username') ?? undefined
    password = form.get('password') ?? undefined
    scopes = form.getAll('scope')
  } else {
    const creds = basicCredentials(req.headers)
    user = creds?.user
    password = creds?.password
  }
  const account = await authenticate(deps, user, password)
  const requested: Access[] = scopes.flatMap(parseScopes)
  const access = grant(deps.policy, account, requested)
  const token = deps.signer.sign({
    subject: account ?? '',
    audience: deps.service,
    access,
    ttlSeconds: deps.ttlSeconds,
  })
  const issuedAt = new Date().toISOString()
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: { token, access_token: token, expires_in: deps.ttlSeconds, issued_at: issuedAt },
  }
}

async function authenticate(
  deps: TokenRouteDeps,
  user?: string,
  password?: string,
): Promise<string | undefined> {
  if (user === undefined) return undefined
  if (!deps.htpasswd || !(await deps.htpasswd.verify(user, password ?? ''))) {
    throw new RegistryUnauthorizedError('invalid username or password', basicChallenge(deps.service))
  }
  return user
}
