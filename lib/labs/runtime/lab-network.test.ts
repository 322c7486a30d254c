import { spawn } from 'node:child_process'
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import type { LabNetwork } from '../package/manifest'
import type { SandboxDriver } from '../sandbox/types'
import { LAB_SERVICE_SERVER, LabNetworkError, labServicesFor, resolveServiceAddress, supportsLabServices } from './lab-network'

const network: LabNetwork = {
  mode: 'lab',
  services: [
    { id: 'c2', address: '{{C2_ADDR}}', port: 443, protocol: 'tcp', behaviour: 'sink' },
    { id: 'web', address: '192.0.2.80', port: 80, protocol: 'tcp', behaviour: 'banner', banner: 'HTTP/1.0 200 OK\r\n\r\n' },
  ],
}

describe('resolveServiceAddress', () => {
  it('keeps literals and substitutes the one named variable', () => {
    expect(resolveServiceAddress('192.0.2.80', {})).toBe('192.0.2.80')
    expect(resolveServiceAddress('{{C2_ADDR}}', { C2_ADDR: '198.51.100.7' })).toBe('198.51.100.7')
  })
  it('fails when setup did not write the variable', () => {
    expect(() => resolveServiceAddress('{{C2_ADDR}}', {})).toThrow(LabNetworkError)
  })
})

describe('labServicesFor', () => {
  it('builds one perl listener per service, with no hostname (nothing is published in /etc/hosts)', () => {
    const specs = labServicesFor(network, { C2_ADDR: '198.51.100.7' })
    expect(specs).toHaveLength(2)
    expect(specs[0]).toEqual({ address: '198.51.100.7', port: 443, command: ['perl', '-e', LAB_SERVICE_SERVER, '198.51.100.7', '443', ''] })
    expect(specs[1]?.command.at(-1)).toBe('HTTP/1.0 200 OK\r\n\r\n')
    for (const s of specs) expect(s.hostname).toBeUndefined()
  })
  it('returns nothing for mode none', () => {
    expect(labServicesFor({ mode: 'none' }, {})).toEqual([])
  })
  it('refuses two services on the same address and port', () => {
    const dup: LabNetwork = {
      mode: 'lab',
      services: [
        { id: 'a', address: '{{X}}', port: 23, protocol: 'tcp', behaviour: 'sink' },
        { id: 'b', address: '192.0.2.5', port: 23, protocol: 'tcp', behaviour: 'sink' },
      ],
    }
    expect(() => labServicesFor(dup, { X: '192.0.2.5' })).toThrow(/a and b both listen on 192\.0\.2\.5:23/)
  })
})

describe('supportsLabServices', () => {
  it('tells drivers with addLabServices apart', () => {
    const plain = { name: 'fake' } as unknown as SandboxDriver
    expect(supportsLabServices(plain)).toBe(false)
    expect(supportsLabServices({ ...plain, addLabServices: async () => {} } as SandboxDriver)).toBe(true)
  })
})

/** Runs the real listener on the host's loopback (no sandbox needed) and talks to it. */
async function withServer(banner: string, body: (port: number) => Promise<void>) {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const child = spawn('perl', ['-e', LAB_SERVICE_SERVER, '127.0.0.1', String(port), banner], { stdio: 'ignore' })
  try {
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((r) => {
        const c = net.connect(port, '127.0.0.1', () => (c.destroy(), r(true))).on('error', () => r(false))
      })
      if (up) break
      await new Promise((r) => setTimeout(r, 30))
    }
    await body(port)
  } finally {
    child.kill('SIGKILL')
  }
}

function talk(port: number, send: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = ''
    const c = net.connect(port, '127.0.0.1', () => c.write(send))
    c.on('data', (d) => (got += d.toString()))
    c.on('error', reject)
    setTimeout(() => (c.destroy(), resolve(got)), 300)
  })
}

describe('LAB_SERVICE_SERVER (perl, as in the sandbox)', () => {
  it('banner: sends the banner, then swallows input and stays open', async () => {
    await withServer('SSH-2.0-OpenSSH_8.4\r\n', async (port) => {
      expect(await talk(port, 'hello\n')).toBe('SSH-2.0-OpenSSH_8.4\r\n')
    })
  })
  it('sink: accepts many held connections at once and answers nothing', async () => {
    await withServer('', async (port) => {
      const all = await Promise.all(Array.from({ length: 20 }, () => talk(port, 'BOT node\n')))
      expect(all.every((s) => s === '')).toBe(true)
    })
  })
})
