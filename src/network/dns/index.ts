// Public surface of the embedded DNS server (see embedded-dns.ts): the network domain
// implements DnsRecordSource and starts one listener per user-defined network.
export { EmbeddedDns, type EmbeddedDnsOptions } from './embedded-dns.ts'
export type { DnsListener, DnsRecordSource } from './types.ts'
