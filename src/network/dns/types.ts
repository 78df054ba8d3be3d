// The contracts between the embedded DNS server and the rest of berth: where names come from
// (the network domain implements DnsRecordSource) and what a listener hands back.

/** Names berth answers itself, scoped per network. Called on every query: keep it in memory. */
export interface DnsRecordSource {
  /** Addresses for `name` as seen from network `scope` (network id): container names, aliases,
   *  short/full ids; case-insensitive; trailing dot allowed. [] when berth knows the name but
   *  has no address of that family; undefined when unknown (then the query is forwarded).
   *  `clientIp`: the querying container's address, so names of its other networks resolve too. */
  lookup(scope: string, name: string, family: 4 | 6, clientIp?: string): string[] | undefined
  /** PTR: the container name for an IP on that network, or undefined. */
  reverse(scope: string, ip: string): string | undefined
}

/** One network's UDP and TCP sockets. */
export interface DnsListener {
  /** The bound port (the one asked for, or the one the kernel chose for port 0). */
  readonly port: number
  /** Closes both sockets; idempotent. */
  close(): Promise<void>
}
