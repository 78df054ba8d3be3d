// docker's consolidateIpam (cli/command/network/create.go): --subnet, --ip-range, --gateway and
// --aux-address become one IPAMConfig per subnet, with docker's validation messages. Pure.
import { isIP } from 'node:net'
import type { IPAMConfig } from '../../../api/types/index.ts'
import { subnetContains } from './flag-values.ts'

export function consolidateIpam(
  subnets: string[],
  ranges: string[],
  gateways: string[],
  auxAddresses: Record<string, string>,
): IPAMConfig[] {
  if (subnets.length < ranges.length || subnets.length < gateways.length) {
    throw new Error('every ip-range or gateway must have a corresponding subnet')
  }
  for (const r of ranges) if (!isCidr(r)) throw new Error(`invalid CIDR address: ${r}`)
  const data = new Map<string, IPAMConfig & { AuxiliaryAddresses: Record<string, string> }>()
  for (const s of subnets) {
    for (const k of data.keys()) {
      if (subnetMatches(s, k) || subnetMatches(k, s)) {
        throw new Error('multiple overlapping subnet configuration is not supported')
      }
    }
    data.set(s, { Subnet: s, AuxiliaryAddresses: {} })
  }
  for (const r of ranges) {
    let match = false
    for (const s of subnets) {
      if (!subnetMatches(s, r)) continue
      const d = data.get(s)!
      if (d.IPRange)
        throw new Error(`cannot configure multiple ranges (${r}, ${d.IPRange}) on the same subnet (${s})`)
      d.IPRange = r
      match = true
    }
    if (!match) throw new Error(`no matching subnet for range ${r}`)
  }
  for (const g of gateways) {
    let match = false
    for (const s of subnets) {
      if (!subnetMatches(s, g)) continue
      const d = data.get(s)!
      if (d.Gateway)
        throw new Error(`cannot configure multiple gateways (${g}, ${d.Gateway}) for the same subnet (${s})`)
      d.Gateway = g
      match = true
    }
    if (!match) throw new Error(`no matching subnet for gateway ${g}`)
  }
  for (const [key, aa] of Object.entries(auxAddresses)) {
    let match = false
    for (const s of subnets) {
      if (!subnetMatches(s, aa)) continue
      data.get(s)!.AuxiliaryAddresses[key] = aa
      match = true
    }
    if (!match) throw new Error(`no matching subnet for aux-address ${aa}`)
  }
  // Go drops an empty AuxAddress map (omitempty).
  return [...data.values()].map(({ AuxiliaryAddresses, ...rest }) =>
    Object.keys(AuxiliaryAddresses).length > 0 ? { ...rest, AuxiliaryAddresses } : rest,
  )
}

/** docker's subnetMatches: does CIDR `subnet` contain `data` (an address, or a CIDR's address)? */
function subnetMatches(subnet: string, data: string): boolean {
  if (!isCidr(subnet)) throw new Error(`invalid subnet: invalid CIDR address: ${subnet}`)
  let ip = data
  if (data.includes('/')) {
    if (!isCidr(data)) throw new Error(`invalid cidr: invalid CIDR address: ${data}`)
    ip = data.split('/')[0]!
  }
  return isIP(ip) !== 0 && subnetContains(subnet, ip)
}

function isCidr(s: string): boolean {
  const [addr = '', bits, extra] = s.split('/')
  const family = isIP(addr)
  return (
    family !== 0 &&
    extra === undefined &&
    bits !== undefined &&
    /^\d{1,3}$/.test(bits) &&
    Number(bits) <= (family === 4 ? 32 : 128)
  )
}
