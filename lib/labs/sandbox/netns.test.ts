import { describe, expect, it } from 'vitest'
import { checkServiceAddress, procNetTcpAddress } from './netns'

describe('checkServiceAddress', () => {
  it('accepts unicast addresses a lab would use', () => {
    for (const a of ['10.213.0.1', '192.0.2.5', '198.51.100.7', '203.0.113.200', '10.50.3.9', '172.16.0.1'])
      expect(checkServiceAddress(a)).toBeUndefined()
  })
  it('refuses loopback, this-network, link-local, multicast and the lab link', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '0.0.0.0', '169.254.1.1', '224.0.0.1', '255.255.255.255', '10.213.0.2', '10.213.0.77'])
      expect(checkServiceAddress(a), a).toBeTypeOf('string')
  })
  it('refuses non-addresses', () => {
    for (const a of ['', 'c2.example', '192.0.2', '192.0.2.256', '1.2.3.4/32', ' 1.2.3.4'])
      expect(checkServiceAddress(a), a).toMatch(/not an IPv4/)
  })
})

describe('procNetTcpAddress', () => {
  it('formats like /proc/net/tcp on little-endian hosts', () => {
    // From a real /proc/net/tcp: 0100007F:0016 is 127.0.0.1:22.
    expect(procNetTcpAddress('127.0.0.1', 22)).toBe('0100007F:0016')
    expect(procNetTcpAddress('10.213.0.1', 4444)).toBe('0100D50A:115C')
  })
})
