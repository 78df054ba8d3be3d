// What a Docker engine that is not part of a swarm answers: /swarm, /nodes, /services, /tasks,
// /secrets and /configs are 503 "not a swarm manager" (clients such as docker-py and compose
// probe them), and /plugins lists no plugins. berth has no swarm mode and no plugin system.
import { UnavailableError } from '../../lib/errors.ts'
import { get, json, type Route } from '../router.ts'

const NOT_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.'

export function swarmRoutes(): Route[] {
  const refuse = async () => {
    throw new UnavailableError(NOT_MANAGER)
  }
  return [
    get('/plugins', async () => json([])),
    ...[
      '/swarm',
      '/nodes',
      '/nodes/:id',
      '/services',
      '/services/:id',
      '/tasks',
      '/tasks/:id',
      '/secrets',
      '/secrets/:id',
      '/configs',
      '/configs/:id',
    ].map((path) => get(path, refuse)),
  ]
}
