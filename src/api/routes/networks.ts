// Engine API network routes. berth has no user-defined networks yet (containers get their own
// network namespace with loopback, or the host's), so prune has nothing to remove and says so;
// `docker system prune` calls it. The rest of /networks comes with the networking work.
import { json, post, type Route } from '../router.ts'

export function networkRoutes(): Route[] {
  return [post('/networks/prune', async () => json({ NetworksDeleted: null }), { minVersion: '1.25' })]
}
