// Public surface of the network domain: NetworkService (networks, endpoints), the kernel
// adapters, pools and the types other folders use.
export { Endpoints } from './endpoints.ts'
export { ActiveEndpointsError, NetworkNameInUseError, NoSuchNetworkError } from './errors.ts'
export type { NetworkFilters } from './filters.ts'
export { INTERNAL_DNS, ROUTE_LOCALNET } from './internal-dns.ts'
export { LinuxKernel, type NetworkKernel, NullKernel } from './kernel.ts'
export { type NetworkCreateSpec, NetworkService, type NetworkServiceDeps } from './network-service.ts'
export { type AddressPool, DEFAULT_POOLS, parseAddressPool } from './pool.ts'
export { PortAllocatedError, type PortRequest, parsePortKey, portRequests } from './ports.ts'
export { NetworkStore } from './store.ts'
export type * from './types.ts'
