import { spawnSync } from 'node:child_process'
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js'
import { describe, expect, it } from 'vitest'
import { labServicesFor } from '../../runtime/lab-network'
import type { LabServiceSpec } from '../netns'
import { envOf } from '../proc'
import type { SandboxSpec } from '../types'
import {
  denyAllPolicy,
  EXEC_WRAPPER,
  execArgv,
  execPayload,
  exitCodeOf,
  hostsLine,
  labServicePod,
  labServicePolicies,
  learnerPod,
  LEARNER_ENTRY,
  natRules,
  overlayMembers,
  probeScript,
  ROOT_EXEC_CAPABILITIES,
  serviceCommand,
  sessionName,
  shellArgv,
  type PodOptions,
} from './specs'

const SPEC: SandboxSpec = {
  sessionId: 'r1-s0123456789abcdef01',
  labDir: '/srv/kenshu/labs/iot-botnet-telnet',
  limits: { memoryMb: 512, pids: 256, cpus: 0.5, homeMb: 64, tmpMb: 32 },
  network: 'none',
  timeLimitSec: 3600,
}
const LAB_SPEC: SandboxSpec = { ...SPEC, network: 'lab' }
const OPTS: PodOptions = {
  namespace: 'kenshu-labs',
  image: `registry.example/kenshu-lab@sha256:${'a'.repeat(64)}`,
  runnerId: 'r1',
}
const NAME = 'ks-r1-s0123456789abcdef01'
const C2: LabServiceSpec = labServicesFor(
  {
    mode: 'lab',
    services: [{ id: 'c2', address: '{{C2_ADDR}}', port: 443, protocol: 'tcp', behaviour: 'sink' }],
  },
  { C2_ADDR: '198.51.100.7' },
)[0] as LabServiceSpec
const OWNER = { name: NAME, uid: '0b7e2c1e-0000-4000-8000-000000000001' }

/** What the client would send: client-node's serializer drops fields it does not know. */
function wire(obj: unknown, type: string): unknown {
  return ObjectSerializer.serialize(obj, type, '') as unknown
}
/** The object as JSON with client-node's `_from` spelled as the API spells it. */
function asJson(obj: unknown): unknown {
  return JSON.parse(JSON.stringify(obj).replace(/"_from":/g, '"from":')) as unknown
}

describe('sessionName', () => {
  it('keeps short ids readable and makes every id a DNS-1123 label', () => {
    expect(sessionName('abc-1')).toBe('ks-abc-1')
    expect(sessionName('-lead')).toBe('ks--lead')
    const long = sessionName('a'.repeat(64))
    expect(long).toMatch(/^kx-[0-9a-f]{32}$/)
    expect(sessionName('abc-')).toMatch(/^kx-[0-9a-f]{32}$/)
    expect(sessionName('a'.repeat(60))).toBe(`ks-${'a'.repeat(60)}`)
    expect(sessionName('a'.repeat(61))).toMatch(/^kx-/)
    for (const id of ['x', 'abc-', 'a'.repeat(64), '0', 'z-9'])
      expect(sessionName(id)).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/)
  })

  it('is deterministic and does not map two ids to one name', () => {
    expect(sessionName('a'.repeat(64))).toBe(sessionName('a'.repeat(64)))
    expect(sessionName('a'.repeat(64))).not.toBe(sessionName('b'.repeat(64)))
    expect(sessionName('abc-')).not.toBe(sessionName('abc--'))
  })

  it('rejects bad ids', () => {
    for (const bad of ['', 'A', 'a/b', '../x', 'a b', 'a_b', 'a.b', 'x'.repeat(65), 'é', 'a\n'])
      expect(() => sessionName(bad), bad).toThrow(/invalid session id/)
    expect(() => sessionName(undefined as unknown as string)).toThrow()
  })
})

describe('learnerPod', () => {
  const pod = learnerPod(SPEC, OPTS)
  const spec = pod.spec!
  const lab = spec.containers[0]!

  it('names and labels the pod for the session, lab and runner', () => {
    expect(pod.metadata).toEqual({
      name: NAME,
      namespace: 'kenshu-labs',
      labels: {
        'app.kubernetes.io/managed-by': 'kenshu',
        'kenshu.io/session': NAME,
        'kenshu.io/lab': 'iot-botnet-telnet',
        'kenshu.io/runner': 'r1',
        'kenshu.io/role': 'learner',
      },
      annotations: { 'kenshu.io/session-id': SPEC.sessionId },
    })
  })

  it('has no API access, no host namespaces, no DNS, and dies at the time limit', () => {
    expect(spec.automountServiceAccountToken).toBe(false)
    expect(spec.serviceAccountName).toBe('kenshu-lab-learner')
    expect(spec.enableServiceLinks).toBe(false)
    expect(spec.hostNetwork).toBe(false)
    expect(spec.hostPID).toBe(false)
    expect(spec.hostIPC).toBe(false)
    expect(spec.shareProcessNamespace).toBe(false)
    expect(spec.restartPolicy).toBe('Never')
    expect(spec.activeDeadlineSeconds).toBe(3600)
    expect(spec.terminationGracePeriodSeconds).toBe(1)
    expect(spec.hostname).toBe('kenshu')
    expect(spec.dnsPolicy).toBe('None')
    expect(spec.dnsConfig).toEqual({ nameservers: ['127.0.0.1'], searches: [], options: [] })
    expect(spec.hostUsers).toBeUndefined()
    expect(spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } })
    expect(learnerPod({ ...SPEC, timeLimitSec: 90.5 }, OPTS).spec?.activeDeadlineSeconds).toBe(91)
  })

  it('runs one hardened container: root with six capabilities, no escalation, read-only root, seccomp', () => {
    expect(spec.containers).toHaveLength(1)
    expect(lab.name).toBe('lab')
    expect(lab.image).toBe(OPTS.image)
    expect(lab.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETUID', 'SETGID'] },
    })
    expect(ROOT_EXEC_CAPABILITIES).not.toContain('SYS_ADMIN')
    expect(ROOT_EXEC_CAPABILITIES).not.toContain('NET_ADMIN')
  })

  it('makes PID 1 `sleep infinity` running as nobody', () => {
    expect(lab.command).toEqual([
      'setpriv',
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      '--inh-caps=-all',
      '--',
      'sleep',
      'infinity',
    ])
  })

  it('sets memory and cpu limits from the lab, requests at a quarter', () => {
    expect(lab.resources).toEqual({
      limits: { memory: '512Mi', cpu: '500m', 'ephemeral-storage': '64Mi' },
      requests: { memory: '128Mi', cpu: '125m', 'ephemeral-storage': '64Mi' },
    })
    const half = learnerPod(SPEC, { ...OPTS, requestFraction: 0.5 }).spec!.containers[0]!.resources!
    expect(half.requests).toMatchObject({ memory: '256Mi', cpu: '250m' })
  })

  it('mounts sized in-memory emptyDirs at the writable places and nothing else', () => {
    expect(spec.volumes).toEqual([
      { name: 'home', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '32Mi' } },
      { name: 'srv', emptyDir: { medium: 'Memory', sizeLimit: '32Mi' } },
      { name: 'var', emptyDir: { medium: 'Memory', sizeLimit: '32Mi' } },
      { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '32Mi' } },
      { name: 'root', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    ])
    expect(lab.volumeMounts).toEqual([
      { name: 'home', mountPath: '/home/learner' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'srv', mountPath: '/srv' },
      { name: 'var', mountPath: '/var' },
      { name: 'run', mountPath: '/run' },
      { name: 'root', mountPath: '/root' },
    ])
    const small = learnerPod({ ...SPEC, limits: { ...SPEC.limits, tmpMb: 2 } }, OPTS).spec!.volumes!
    expect(small.find((v) => v.name === 'srv')?.emptyDir?.sizeLimit).toBe('8Mi')
    expect(small.find((v) => v.name === 'tmp')?.emptyDir?.sizeLimit).toBe('2Mi')
  })

  it('applies cluster options', () => {
    const p = learnerPod(SPEC, {
      ...OPTS,
      userNamespace: true,
      runtimeClassName: 'gvisor',
      nodeSelector: { 'kenshu.io/labs': 'true' },
      imagePullPolicy: 'Always',
      labId: 'other-lab',
      hostname: 'gw01',
    })
    expect(p.spec?.hostUsers).toBe(false)
    expect(p.spec?.runtimeClassName).toBe('gvisor')
    expect(p.spec?.nodeSelector).toEqual({ 'kenshu.io/labs': 'true' })
    expect(p.spec?.containers[0]?.imagePullPolicy).toBe('Always')
    expect(p.metadata?.labels?.['kenshu.io/lab']).toBe('other-lab')
    expect(p.spec?.hostname).toBe('gw01')
  })

  it('adds a NET_ADMIN-only `net` container for network: lab, sharing nothing', () => {
    const p = learnerPod(LAB_SPEC, OPTS)
    expect(p.spec?.containers.map((c) => c.name)).toEqual(['lab', 'net'])
    const net = p.spec!.containers[1]!
    expect(net.command).toEqual(['sleep', 'infinity'])
    expect(net.volumeMounts).toBeUndefined()
    expect(net.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] },
    })
    expect(p.spec?.containers[0]?.securityContext?.capabilities?.add).not.toContain('NET_ADMIN')
  })

  it('rejects bad limits, paths and hostile names', () => {
    const bad: [SandboxSpec, PodOptions][] = [
      [{ ...SPEC, sessionId: 'Bad/Id' }, OPTS],
      [{ ...SPEC, limits: { ...SPEC.limits, memoryMb: 0 } }, OPTS],
      [{ ...SPEC, limits: { ...SPEC.limits, cpus: Number.NaN } }, OPTS],
      [{ ...SPEC, limits: { ...SPEC.limits, homeMb: -1 } }, OPTS],
      [{ ...SPEC, limits: { ...SPEC.limits, memoryMb: 8 } }, OPTS],
      [{ ...SPEC, timeLimitSec: 0 }, OPTS],
      [{ ...SPEC, labDir: 'labs/x' }, OPTS],
      [{ ...SPEC, network: 'host' as 'none' }, OPTS],
      [{ ...SPEC, labDir: '/labs/Evil Lab' }, OPTS],
      [{ ...SPEC, labDir: '/labs/trailing-' }, OPTS],
      [SPEC, { ...OPTS, runnerId: 'r1,kenshu.io/session' }],
      [SPEC, { ...OPTS, runnerId: 'a=b' }],
      [SPEC, { ...OPTS, runnerId: '' }],
      [SPEC, { ...OPTS, runnerId: 'R1' }],
      [SPEC, { ...OPTS, labId: 'x!=y' }],
      [SPEC, { ...OPTS, image: 'img; rm -rf /' }],
      [SPEC, { ...OPTS, image: '' }],
      [SPEC, { ...OPTS, namespace: 'Kenshu' }],
      [SPEC, { ...OPTS, namespace: 'a.b' }],
      [SPEC, { ...OPTS, hostname: 'bad_host' }],
      [SPEC, { ...OPTS, requestFraction: 0 }],
      [SPEC, { ...OPTS, requestFraction: 1.5 }],
      [SPEC, { ...OPTS, nodeSelector: { pool: 'a,b' } }],
      [SPEC, { ...OPTS, serviceAccountName: 'default account' }],
    ]
    for (const [s, o] of bad)
      expect(() => learnerPod(s, o), JSON.stringify([s.sessionId, s.labDir, o])).toThrow()
  })
})

describe('denyAllPolicy', () => {
  it('denies all ingress and egress of every pod with a session label', () => {
    expect(denyAllPolicy('kenshu-labs')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'kenshu-deny-all',
        namespace: 'kenshu-labs',
        labels: { 'app.kubernetes.io/managed-by': 'kenshu' },
      },
      spec: {
        podSelector: { matchExpressions: [{ key: 'kenshu.io/session', operator: 'Exists' }] },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [],
      },
    })
    expect(() => denyAllPolicy('Bad NS')).toThrow()
  })

  it('is shared: it carries no runner label, so stopAll never deletes it', () => {
    expect(denyAllPolicy('kenshu-labs').metadata?.labels?.['kenshu.io/runner']).toBeUndefined()
  })
})

describe('lab services', () => {
  it('runs the built-in listener on 0.0.0.0 in a nobody pod without capabilities', () => {
    const pod = labServicePod(LAB_SPEC, OPTS, 0, C2, OWNER)
    const c = pod.spec!.containers[0]!
    expect(pod.metadata?.name).toBe(`${NAME}-svc-0`)
    expect(pod.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'kenshu',
      'kenshu.io/session': NAME,
      'kenshu.io/lab': 'iot-botnet-telnet',
      'kenshu.io/runner': 'r1',
      'kenshu.io/role': 'service',
      'kenshu.io/service': 'svc-0',
    })
    expect(pod.metadata?.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Pod', name: NAME, uid: OWNER.uid },
    ])
    expect(c.command?.slice(0, 2)).toEqual(['perl', '-e'])
    expect(c.command?.slice(3)).toEqual(['0.0.0.0', '443', ''])
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      capabilities: { drop: ['ALL'] },
    })
    expect(c.ports).toEqual([{ containerPort: 443, protocol: 'TCP' }])
    expect(pod.spec?.securityContext?.sysctls).toEqual([
      { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
    ])
    expect(pod.spec?.automountServiceAccountToken).toBe(false)
    expect(pod.spec?.activeDeadlineSeconds).toBe(3600)
    expect(pod.spec?.volumes).toBeUndefined()
  })

  it('needs no sysctl for a high port', () => {
    const svc = { ...C2, port: 8443, command: ['perl', '-e', 'x', '198.51.100.7', '8443', 'hi'] }
    const pod = labServicePod(LAB_SPEC, OPTS, 2, svc)
    expect(pod.spec?.securityContext?.sysctls).toBeUndefined()
    expect(pod.metadata?.ownerReferences).toBeUndefined()
    expect(pod.spec?.containers[0]?.command).toEqual(['perl', '-e', 'x', '0.0.0.0', '8443', 'hi'])
  })

  it('refuses what a pod cannot run', () => {
    expect(() => labServicePod(SPEC, OPTS, 0, C2)).toThrow(/network: lab/)
    expect(() => serviceCommand({ ...C2, command: ['sh', '-c', 'nc -l 443'] })).toThrow(/built-in listener/)
    expect(() => serviceCommand({ ...C2, dir: '/srv/lab' })).toThrow(/host directories/)
    expect(() => serviceCommand({ ...C2, port: undefined })).toThrow(/TCP port/)
    expect(() => serviceCommand({ ...C2, address: '127.0.0.1' })).toThrow(/loopback/)
    expect(() => serviceCommand({ ...C2, address: '169.254.169.254' })).toThrow(/link-local/)
    expect(() => serviceCommand({ ...C2, address: '198.51.100.8' })).toThrow(/built-in listener/)
    expect(() => labServicePod(LAB_SPEC, OPTS, -1, C2)).toThrow(/index/)
  })

  it('opens exactly learner → service on the declared port, nothing else', () => {
    const [egress, ingress] = labServicePolicies(LAB_SPEC, OPTS, 0, C2, OWNER)
    const labels = {
      'app.kubernetes.io/managed-by': 'kenshu',
      'kenshu.io/session': NAME,
      'kenshu.io/lab': 'iot-botnet-telnet',
      'kenshu.io/runner': 'r1',
    }
    const learner = { matchLabels: { 'kenshu.io/session': NAME, 'kenshu.io/role': 'learner' } }
    const svc = {
      matchLabels: { 'kenshu.io/session': NAME, 'kenshu.io/role': 'service', 'kenshu.io/service': 'svc-0' },
    }
    const owner = [{ apiVersion: 'v1', kind: 'Pod', name: NAME, uid: OWNER.uid }]
    expect(egress).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${NAME}-svc-0-egress`, namespace: 'kenshu-labs', labels, ownerReferences: owner },
      spec: {
        podSelector: learner,
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: svc }], ports: [{ protocol: 'TCP', port: 443 }] }],
      },
    })
    expect(ingress).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${NAME}-svc-0-ingress`, namespace: 'kenshu-labs', labels, ownerReferences: owner },
      spec: {
        podSelector: svc,
        policyTypes: ['Ingress'],
        ingress: [{ _from: [{ podSelector: learner }], ports: [{ protocol: 'TCP', port: 443 }] }],
      },
    })
  })

  it('DNATs the lab address to the service pod', () => {
    expect(natRules('198.51.100.7', 443, '10.244.1.17')).toBe(
      'table ip kenshu {\n' +
        '  chain output { type nat hook output priority -100; policy accept; }\n' +
        '}\n' +
        'add rule ip kenshu output ip daddr 198.51.100.7 tcp dport 443 dnat to 10.244.1.17:443\n',
    )
    expect(() => natRules('198.51.100.7', 443, 'fd00::1')).toThrow(/IPv6/)
    expect(() => natRules('198.51.100.7', 443, '')).toThrow()
    expect(() => natRules('127.0.0.1', 443, '10.244.1.17')).toThrow()
    expect(() => natRules('198.51.100.7', 0, '10.244.1.17')).toThrow()
  })

  it('validates what root writes into the pod', () => {
    expect(probeScript('198.51.100.7', 443)).toContain('/dev/tcp/198.51.100.7/443')
    expect(() => probeScript('198.51.100.7; reboot', 443)).toThrow()
    expect(hostsLine('198.51.100.7', 'c2.example')).toBe('198.51.100.7\tc2.example\n')
    expect(() => hostsLine('198.51.100.7', 'c2\n10.0.0.1 api')).toThrow()
  })
})

describe('what the client sends', () => {
  it('loses no field in client-node serialization', () => {
    const objects: [unknown, string][] = [
      [
        learnerPod(LAB_SPEC, {
          ...OPTS,
          userNamespace: true,
          runtimeClassName: 'gvisor',
          nodeSelector: { a: 'b' },
        }),
        'V1Pod',
      ],
      [labServicePod(LAB_SPEC, OPTS, 0, C2, OWNER), 'V1Pod'],
      [denyAllPolicy('kenshu-labs'), 'V1NetworkPolicy'],
      ...labServicePolicies(LAB_SPEC, OPTS, 0, C2, OWNER).map(
        (p) => [p, 'V1NetworkPolicy'] as [unknown, string],
      ),
    ]
    for (const [obj, type] of objects) expect(wire(obj, type)).toEqual(asJson(obj))
    const ingress = wire(labServicePolicies(LAB_SPEC, OPTS, 0, C2)[1], 'V1NetworkPolicy') as {
      spec: { ingress: { from?: unknown }[] }
    }
    expect(ingress.spec.ingress[0]?.from).toBeDefined()
  })
})

describe('overlayMembers', () => {
  it('places only what lands on a writable mount', () => {
    expect(overlayMembers(['srv', 'home'], ['learner'])).toEqual(['home/learner', 'srv'])
    expect(overlayMembers(['var', 'tmp', 'run', 'root'], [])).toEqual(['root', 'run', 'tmp', 'var'])
    expect(overlayMembers(['home'], [])).toEqual([])
    expect(() => overlayMembers(['etc'], [])).toThrow(/files\/etc.*read-only/)
    expect(() => overlayMembers(['home'], ['learner', 'admin'])).toThrow(/files\/home\/admin/)
  })
})

describe('exec protocol', () => {
  it('frames script and stdin with their byte lengths; env becomes quoted exports', () => {
    const p = execPayload('echo é', 'in', { A: "it's", B: '$(x)' })
    const script = "export A='it'\\''s'\nexport B='$(x)'\necho é"
    expect(p.toString('utf8')).toBe(`${Buffer.byteLength(script)} 2\n${script}in`)
    expect(execPayload('x', Buffer.from([0, 255])).subarray(-2)).toEqual(Buffer.from([0, 255]))
    expect(() => execPayload('x', '', { 'A;B': '1' })).toThrow(/env name/)
  })

  it('runs root scripts with a clean environment and a timeout, the script never on the command line', () => {
    const argv = execArgv('root', 30_001)
    expect(argv.slice(0, 4)).toEqual(['env', '-i', '-C', '/'])
    expect(argv).toContain('HOME=/root')
    expect(argv.slice(-9)).toEqual([
      'timeout',
      '--kill-after=1',
      '31s',
      'bash',
      '--norc',
      '--noprofile',
      '-c',
      EXEC_WRAPPER,
      'kenshu-exec',
    ])
    expect(argv.join(' ')).not.toContain('setpriv')
  })

  it('enters learner execs and the shell through setpriv as uid 1000 without capabilities', () => {
    expect(LEARNER_ENTRY).toEqual([
      'setpriv',
      '--reuid=1000',
      '--regid=1000',
      '--clear-groups',
      '--inh-caps=-all',
      '--no-new-privs',
      '--',
    ])
    const argv = execArgv('learner', 5000)
    expect(argv.slice(0, 7)).toEqual([...LEARNER_ENTRY])
    expect(argv.slice(7, 11)).toEqual(['env', '-i', '-C', '/home/learner'])
    expect(argv).toContain('HOME=/home/learner')
    expect(argv).toContain('5s')
    const sh = shellArgv()
    expect(sh.slice(0, 7)).toEqual([...LEARNER_ENTRY])
    expect(sh.slice(-2)).toEqual(['bash', '-l'])
    expect(sh).toContain('TERM=xterm-256color')
  })

  it('maps the status channel to exit codes', () => {
    expect(exitCodeOf({ status: 'Success' })).toBe(0)
    expect(
      exitCodeOf({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      }),
    ).toBe(3)
    expect(
      exitCodeOf({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '300' }] },
      }),
    ).toBe(125)
    expect(
      exitCodeOf({ status: 'Failure', reason: 'InternalError', message: 'executable file not found' }),
    ).toBe(125)
    expect(exitCodeOf(undefined)).toBe(125)
  })

  // The wrapper is plain bash: run it here on a pipe (no sandbox, no cluster) to prove the framing.
  const wrap = (input: Buffer) => {
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', EXEC_WRAPPER, 'kenshu-exec'], {
      input,
      env: envOf({ PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }),
    })
    return { code: r.status, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') }
  }

  it('wrapper: runs the script with exactly the framed stdin and its exit code', () => {
    const r = wrap(
      Buffer.concat([
        execPayload('echo "$V"; cat; echo; echo err >&2; exit 7', 'data', { V: 'ü v' }),
        Buffer.from('NOT STDIN'),
      ]),
    )
    expect(r).toEqual({ code: 7, out: 'ü v\ndata\n', err: 'err\n' })
  })

  it('wrapper: setup-style fd 3 works and binary stdin passes untouched', () => {
    expect(wrap(execPayload('bash --norc --noprofile -s 3>&1 1>&2', 'echo log; echo K=v >&3\n'))).toEqual({
      code: 0,
      out: 'K=v\n',
      err: 'log\n',
    })
    expect(wrap(execPayload('od -An -tx1 | tr -d " \\n"', Buffer.from([0, 1, 255]))).out).toBe('0001ff')
  })

  it('wrapper: a truncated or malformed frame never runs anything', () => {
    const p = execPayload('echo ran; exit 0', '')
    expect(wrap(p.subarray(0, p.length - 3))).toEqual({ code: 125, out: '', err: '' })
    expect(wrap(Buffer.from('1x 0\necho ran'))).toMatchObject({ code: 125, out: '' })
    expect(wrap(Buffer.from(' 0\n'))).toMatchObject({ code: 125, out: '' })
    expect(wrap(Buffer.from(''))).toMatchObject({ code: 125, out: '' })
  })
})
