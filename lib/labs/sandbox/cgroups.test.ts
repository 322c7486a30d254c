import { describe, expect, it } from 'vitest'
import { detectCgroups, SessionCgroup } from './cgroups'

const V1 = `
25 30 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
31 25 0:27 / /sys/fs/cgroup/cpu rw,relatime shared:10 - cgroup cgroup rw,cpu
33 25 0:29 / /sys/fs/cgroup/memory rw,relatime shared:12 - cgroup cgroup rw,memory
34 25 0:30 / /sys/fs/cgroup/pids rw,relatime shared:13 - cgroup cgroup rw,pids
35 25 0:31 / /sys/fs/cgroup/freezer rw,relatime shared:14 - cgroup cgroup rw,freezer
36 25 0:32 / /sys/fs/cgroup/unified rw,relatime shared:15 - cgroup2 cgroup2 rw
`
const V2 = `
29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
`

describe('detectCgroups', () => {
  it('finds the v1 controllers (hybrid hosts count as v1)', () => {
    const l = detectCgroups(V1)
    expect(l).toEqual({
      version: 'v1',
      mounts: {
        cpu: '/sys/fs/cgroup/cpu',
        memory: '/sys/fs/cgroup/memory',
        pids: '/sys/fs/cgroup/pids',
        freezer: '/sys/fs/cgroup/freezer',
      },
    })
    const cg = new SessionCgroup(l, 'abc-1')
    expect(cg.procsFiles()).toEqual([
      '/sys/fs/cgroup/pids/kenshu/kenshu-abc-1/cgroup.procs',
      '/sys/fs/cgroup/memory/kenshu/kenshu-abc-1/cgroup.procs',
      '/sys/fs/cgroup/cpu/kenshu/kenshu-abc-1/cgroup.procs',
      '/sys/fs/cgroup/freezer/kenshu/kenshu-abc-1/cgroup.procs',
    ])
  })

  it('recognises a unified v2 hierarchy (controllers permitting)', () => {
    const l = detectCgroups(V2)
    expect(['v2', 'none']).toContain(l.version) // depends on this host's /sys/fs/cgroup/cgroup.controllers
  })

  it('fails closed without usable controllers', () => {
    const l = detectCgroups('31 25 0:27 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n')
    expect(l.version).toBe('none')
  })

  it('rejects session ids that could escape the cgroup directory', () => {
    const l = detectCgroups(V1)
    for (const bad of ['../x', 'a/b', 'A', '', 'x'.repeat(65)])
      expect(() => new SessionCgroup(l, bad)).toThrow()
  })
})
