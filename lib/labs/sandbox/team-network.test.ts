import { describe, expect, it } from 'vitest'
import {
  checkTeamAttachment,
  parseTeamRecord,
  pickFreeSlot,
  planTeamHosts,
  teamHostNetwork,
  teamHostsLines,
  teamNetnsName,
  teamPortName,
  teamSubnet,
  type TeamNetwork,
} from './team-network'

const TEAM: TeamNetwork = {
  id: 'ex1-t3',
  netns: 'kenshu-ex1-t3-team',
  slot: 3,
  subnet: '10.214.3.0/24',
  prefix: 24,
  hosts: planTeamHosts(3, [{ name: 'mail' }, { name: 'files' }, { name: 'iot-gw', hostPart: 1 }, { name: 'c2', listed: false }]),
  createdAt: 1,
}

describe('team subnets', () => {
  it('one /24 per slot in 10.214.0.0/16', () => {
    expect(teamSubnet(0)).toBe('10.214.0.0/24')
    expect(teamSubnet(255)).toBe('10.214.255.0/24')
    for (const bad of [-1, 256, 1.5, Number.NaN]) expect(() => teamSubnet(bad)).toThrow(/slot/)
  })
  it('picks the lowest free slot, never a used one, undefined when exhausted', () => {
    expect(pickFreeSlot([])).toBe(0)
    expect(pickFreeSlot([0, 1, 3])).toBe(2)
    expect(pickFreeSlot(new Set([0, 1, 2]))).toBe(3)
    expect(pickFreeSlot([0, 1], 2)).toBeUndefined()
    expect(pickFreeSlot(Array.from({ length: 256 }, (_, i) => i))).toBeUndefined()
    // Allocating one after another never repeats while the earlier ones exist.
    const used: number[] = []
    for (let i = 0; i < 40; i++) used.push(pickFreeSlot(used) as number)
    expect(new Set(used).size).toBe(40)
    // A freed slot is reused.
    expect(pickFreeSlot(used.filter((s) => s !== 7))).toBe(7)
  })
})

describe('team hosts', () => {
  it('gives explicit host parts first, the rest from .10 upward', () => {
    expect(TEAM.hosts).toEqual([
      { name: 'mail', address: '10.214.3.10', listed: true },
      { name: 'files', address: '10.214.3.11', listed: true },
      { name: 'iot-gw', address: '10.214.3.1', listed: true },
      { name: 'c2', address: '10.214.3.12', listed: false },
    ])
    expect(planTeamHosts(0, [{ name: 'a' }, { name: 'b', hostPart: 10 }]).map((h) => h.address)).toEqual([
      '10.214.0.11',
      '10.214.0.10',
    ])
  })
  it('refuses bad, duplicate, reserved names and addresses, empty and oversized teams', () => {
    expect(() => planTeamHosts(0, [])).toThrow(/at least one/)
    expect(() => planTeamHosts(0, Array.from({ length: 33 }, (_, i) => ({ name: `h${i}` })))).toThrow(/at most/)
    for (const name of ['Mail', '1mail', 'mail.corp', 'a b', '', 'x'.repeat(32), 'mail\n10.0.0.1 evil'])
      expect(() => planTeamHosts(0, [{ name }]), name).toThrow(/invalid host name/)
    expect(() => planTeamHosts(0, [{ name: 'localhost' }])).toThrow(/reserved/)
    expect(() => planTeamHosts(0, [{ name: 'a' }, { name: 'a' }])).toThrow(/duplicate/)
    expect(() => planTeamHosts(0, [{ name: 'a', hostPart: 5 }, { name: 'b', hostPart: 5 }])).toThrow(/taken/)
    for (const hostPart of [0, 255, 2.5]) expect(() => planTeamHosts(0, [{ name: 'a', hostPart }])).toThrow(/hostPart/)
  })
  it('/etc/hosts lists the listed hosts only', () => {
    expect(teamHostsLines(TEAM)).toBe('10.214.3.10\tmail\n10.214.3.11\tfiles\n10.214.3.1\tiot-gw\n')
  })
})

describe('names', () => {
  it('team namespaces carry the kenshu- prefix (boot reaping) and the team id (scoped reaping)', () => {
    expect(teamNetnsName('r1-ex1-t3')).toBe('kenshu-r1-ex1-t3-team')
    for (const bad of ['', 'A', '-x', 'a/b', 'a'.repeat(49), '../x']) expect(() => teamNetnsName(bad), bad).toThrow(/invalid team/)
  })
  it('bridge port names fit IFNAMSIZ and differ per host', () => {
    const names = ['mail', 'files', 'iot-gw', 'ws1', 'ws2', 'x'.repeat(31)].map(teamPortName)
    for (const n of names) expect(n).toMatch(/^kt[0-9a-f]{11}$/)
    expect(new Set(names).size).toBe(names.length)
    expect(teamPortName('mail')).toBe(teamPortName('mail'))
  })
})

describe('attachments', () => {
  it('teamHostNetwork builds the SandboxSpec.network value; checkTeamAttachment accepts it', () => {
    const att = teamHostNetwork(TEAM, 'files')
    expect(att).toEqual({ mode: 'team', network: 'ex1-t3', host: 'files', address: '10.214.3.11' })
    expect(checkTeamAttachment(TEAM, att)).toBeUndefined()
    expect(() => teamHostNetwork(TEAM, 'nope')).toThrow(/no host/)
  })
  it('refuses another team, unknown hosts and wrong addresses', () => {
    const att = teamHostNetwork(TEAM, 'mail')
    expect(checkTeamAttachment(TEAM, { ...att, network: 'ex1-t4' })).toMatch(/not ex1-t3/)
    expect(checkTeamAttachment(TEAM, { ...att, host: 'ws9' })).toMatch(/no host/)
    expect(checkTeamAttachment(TEAM, { ...att, address: '10.214.3.11' })).toMatch(/is 10\.214\.3\.10/)
  })
  it('state records round-trip; tampered ones are rejected', () => {
    expect(parseTeamRecord(JSON.stringify(TEAM))).toEqual(TEAM)
    for (const bad of [
      { ...TEAM, netns: 'kenshu-other-team' },
      { ...TEAM, subnet: '10.214.4.0/24' },
      { ...TEAM, slot: 300 },
      { ...TEAM, id: '../etc' },
      { ...TEAM, hosts: [{ name: 'mail', address: '127.0.0.1', listed: true }] },
      { ...TEAM, hosts: [{ name: 'x y', address: '10.214.3.10', listed: true }] },
    ])
      expect(parseTeamRecord(JSON.stringify(bad))).toBeUndefined()
    expect(parseTeamRecord('not json')).toBeUndefined()
  })
})
