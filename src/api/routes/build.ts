// Engine API build routes. There is no builder yet, hence no build cache: prune reclaims nothing
// and says so (`docker system prune` and `docker builder prune` call it).
import { json, post, type Route } from '../router.ts'

export function buildRoutes(): Route[] {
  return [
    post('/build/prune', async () => json({ CachesDeleted: null, SpaceReclaimed: 0 }), {
      minVersion: '1.31',
    }),
  ]
}
