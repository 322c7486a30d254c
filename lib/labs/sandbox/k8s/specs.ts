/**
 * Pure builders for the Kubernetes driver (decision 007): the learner pod, the namespace's deny-all
 * policy, lab service pods and their allow rules, the DNAT rules that place a service at its lab
 * address, and the argv/stdin framing of every exec. No client calls, no I/O: driver.ts sends what
 * these return, and specs.test.ts asserts them field by field.
 *
 * Identities — the one place this design departs from the letter of decision 007:
 * a Kubernetes exec has no user of its own. It runs with the container's uid, capability bounding
 * set and no_new_privs, so "root only for setup/checks via exec" is only possible if the container
 * itself *starts* as uid 0 with the capabilities those scripts need, and a "second, privileged exec
 * path" inside the same pod would need a second container with its own filesystem and (without
 * shareProcessNamespace) its own processes — but setup.sh starts processes the learner must find and
 * kill, and checks scan /proc for them. So the lab container:
 *   - starts as uid 0 with capabilities drop ALL + CHOWN, DAC_OVERRIDE, FOWNER, KILL, SETUID, SETGID
 *     (the set decision 007 names), allowPrivilegeEscalation false (no_new_privs for every process),
 *     seccomp RuntimeDefault, read-only root file system;
 *   - runs PID 1 `sleep infinity` as nobody: setpriv drops uid and capabilities before exec'ing sleep;
 *   - root execs (setup, checks, solve, files/ overlay) run as that uid 0 with those six capabilities;
 *   - every learner exec and the learner's shell enter through `setpriv --reuid=1000 --regid=1000
 *     --clear-groups --inh-caps=-all`: uid 1000, empty permitted/effective/inheritable/ambient sets,
 *     no_new_privs, so no setuid binary or file capability can raise them again. The bounding set
 *     keeps the six (dropping it needs CAP_SETPCAP, which we do not grant); with an empty permitted
 *     set and no_new_privs it cannot be used.
 * Consequences, stated plainly: the kubelet's `runAsNonRoot: true` cannot be set on this container
 * (it refuses to start a uid-0 container), so it holds only for the service pods; Pod Security
 * `restricted` is impossible for learner pods, `baseline` fits (all six capabilities are on its
 * list). Root checks lack CAP_SYS_PTRACE (not allowed by baseline), so unlike the bubblewrap driver
 * they cannot read /proc/PID/exe|fd|environ of learner processes. `userNamespace: true`
 * (`hostUsers: false`) makes container root an unprivileged host uid where the cluster supports it.
 *
 * Lab network (network: 'lab'): a pod cannot own an arbitrary address such as a C2 drawn by setup.sh,
 * so each service runs in its own pod listening on 0.0.0.0:<port>, and the learner pod gets a
 * `net` container (NET_ADMIN only, nothing else, no shared volumes or processes) in which the runner
 * installs an nftables DNAT `address:port → service pod IP:port`. Sockets keep the lab address in
 * /proc/net/tcp, as with the bubblewrap driver. NET_ADMIN is outside Pod Security `baseline`: a
 * namespace that runs network labs must allow it (deploy/k8s/README.md).
 */
import { createHash } from 'node:crypto'
import path from 'node:path'
import type {
  V1Container,
  V1NetworkPolicy,
  V1OwnerReference,
  V1Pod,
  V1ResourceRequirements,
  V1SecurityContext,
  V1Status,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node'
import { checkServiceAddress, LAB_SUBNET, type LabServiceSpec } from '../netns'
import type { SandboxSpec } from '../types'

export const LABEL = {
  session: 'kenshu.io/session',
  lab: 'kenshu.io/lab',
  runner: 'kenshu.io/runner',
  role: 'kenshu.io/role',
  service: 'kenshu.io/service',
  managedBy: 'app.kubernetes.io/managed-by',
} as const
export const SESSION_ID_ANNOTATION = 'kenshu.io/session-id'
export const LAB_CONTAINER = 'lab'
export const NET_CONTAINER = 'net'
export const SERVICE_CONTAINER = 'service'
export const DENY_ALL_POLICY = 'kenshu-deny-all'
/** Service account with no RBAC bindings (deploy/k8s/lab-learner.yaml); its token is never mounted. */
export const LAB_SERVICE_ACCOUNT = 'kenshu-lab-learner'
export const LEARNER = { uid: 1000, gid: 1000, home: '/home/learner' } as const
/** What root execs hold: decision 007's set, all within Pod Security "baseline". */
export const ROOT_EXEC_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETUID', 'SETGID'] as const
export const NOBODY = 65534
export const PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
/** Exit code for "the exec never ran the script" (bad framing, lost connection, API refusal). */
export const EXIT_INFRA = 125
/** Exit code when the host-side backstop gave up on an exec (as if SIGKILLed). */
export const EXIT_KILLED = 137

const SESSION_ID = /^[a-z0-9-]{1,64}$/
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/
/** Label values we put into label selectors: no ',', '=', '!', spaces or anything else a selector parses. */
const LABEL_VALUE = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

export type PodOptions = {
  namespace: string
  /** The generic lab image (deploy/k8s/lab-image); pin it by digest in production. */
  image: string
  /** Labels every object as this runner's (stopAll deletes by it). */
  runnerId: string
  /** Default: the lab package directory's name. */
  labId?: string
  hostname?: string
  serviceAccountName?: string
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never'
  /** requests = limits × this (packing); default 0.25. */
  requestFraction?: number
  /** `hostUsers: false`: container root is an unprivileged host uid (cluster must support it). */
  userNamespace?: boolean
  runtimeClassName?: string
  nodeSelector?: Record<string, string>
}

export type OwnerPod = { name: string; uid: string }

/**
 * The DNS-1123 name (also the `kenshu.io/session` label value) for a session id. Ids that fit are
 * kept readable (`ks-<id>`); longer ones or ones ending in '-' become `kx-<sha256 prefix>`. The two
 * prefixes keep the mapping injective. Throws on anything outside [a-z0-9-]{1,64}.
 */
export function sessionName(id: string): string {
  if (typeof id !== 'string' || !SESSION_ID.test(id))
    throw new Error('invalid session id (want [a-z0-9-]{1,64})')
  const plain = `ks-${id}`
  if (DNS_LABEL.test(plain)) return plain
  return `kx-${createHash('sha256').update(id).digest('hex').slice(0, 32)}`
}

function check(re: RegExp, value: unknown, what: string): string {
  if (typeof value !== 'string' || !re.test(value))
    throw new Error(`invalid ${what}: ${JSON.stringify(value)}`)
  return value
}

function positive(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`invalid ${what}`)
  return value
}

/** Every input a pod is built from, validated once; returns the normalised values. */
function resolve(spec: SandboxSpec, opts: PodOptions) {
  const l = spec.limits
  for (const k of ['memoryMb', 'pids', 'cpus', 'homeMb', 'tmpMb'] as const) positive(l?.[k], `limit ${k}`)
  if (l.memoryMb < 16) throw new Error('memoryMb must be at least 16')
  if (spec.network !== 'none' && spec.network !== 'lab') throw new Error('invalid network mode')
  if (typeof spec.labDir !== 'string' || !path.isAbsolute(spec.labDir))
    throw new Error('labDir must be absolute')
  const fraction = opts.requestFraction ?? 0.25
  if (!(fraction > 0 && fraction <= 1)) throw new Error('requestFraction must be in (0, 1]')
  for (const [k, v] of Object.entries(opts.nodeSelector ?? {})) {
    check(/^([a-z0-9.-]{1,253}\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/, k, 'node selector key')
    check(LABEL_VALUE, v, 'node selector value')
  }
  return {
    name: sessionName(spec.sessionId),
    namespace: check(DNS_LABEL, opts.namespace, 'namespace'),
    image: check(IMAGE, opts.image, 'image'),
    runner: check(LABEL_VALUE, opts.runnerId, 'runner id'),
    lab: check(LABEL_VALUE, opts.labId ?? path.basename(spec.labDir), 'lab id'),
    hostname: check(DNS_LABEL, opts.hostname ?? 'kenshu', 'hostname'),
    serviceAccount: check(DNS_LABEL, opts.serviceAccountName ?? LAB_SERVICE_ACCOUNT, 'service account'),
    deadline: Math.ceil(positive(spec.timeLimitSec, 'timeLimitSec')),
    runtimeClass:
      opts.runtimeClassName === undefined
        ? undefined
        : check(DNS_LABEL, opts.runtimeClassName, 'runtime class'),
    fraction,
  }
}

type Resolved = ReturnType<typeof resolve>

function labels(
  r: Resolved,
  role: 'learner' | 'service',
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    [LABEL.managedBy]: 'kenshu',
    [LABEL.session]: r.name,
    [LABEL.lab]: r.lab,
    [LABEL.runner]: r.runner,
    [LABEL.role]: role,
    ...extra,
  }
}

function ownerRefs(owner?: OwnerPod): V1OwnerReference[] | undefined {
  if (!owner) return undefined
  // Garbage collection backstop: dependents go when the learner pod goes, even if the runner dies mid-stop.
  return [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      name: check(/^[a-z0-9.-]{1,253}$/, owner.name, 'owner'),
      uid: owner.uid,
    },
  ]
}

function hardened(extra: V1SecurityContext): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    seccompProfile: { type: 'RuntimeDefault' },
    ...extra,
  }
}

function resources(memoryMb: number, cpus: number, fraction: number): V1ResourceRequirements {
  const milli = Math.max(10, Math.round(cpus * 1000))
  return {
    limits: { memory: `${Math.ceil(memoryMb)}Mi`, cpu: `${milli}m`, 'ephemeral-storage': '64Mi' },
    requests: {
      memory: `${Math.max(16, Math.ceil(memoryMb * fraction))}Mi`,
      cpu: `${Math.max(10, Math.round(milli * fraction))}m`,
      'ephemeral-storage': '64Mi',
    },
  }
}

/** Writable places of the read-only root: tmpfs (medium Memory), sized; they count against memory. */
export function scratchMounts(
  limits: SandboxSpec['limits'],
): { path: string; volume: string; sizeMb: number }[] {
  const small = Math.max(8, Math.ceil(limits.tmpMb))
  return [
    { path: LEARNER.home, volume: 'home', sizeMb: Math.ceil(limits.homeMb) },
    { path: '/tmp', volume: 'tmp', sizeMb: Math.ceil(limits.tmpMb) },
    { path: '/srv', volume: 'srv', sizeMb: small },
    { path: '/var', volume: 'var', sizeMb: small },
    { path: '/run', volume: 'run', sizeMb: small },
    // Not in decision 007's list, but setup scripts keep root-only material there (as with bwrap).
    { path: '/root', volume: 'root', sizeMb: 16 },
  ]
}

function volumes(limits: SandboxSpec['limits']): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const m = scratchMounts(limits)
  return {
    volumes: m.map((v) => ({ name: v.volume, emptyDir: { medium: 'Memory', sizeLimit: `${v.sizeMb}Mi` } })),
    mounts: m.map((v) => ({ name: v.volume, mountPath: v.path })),
  }
}

function labContainer(
  spec: SandboxSpec,
  r: Resolved,
  opts: PodOptions,
  mounts: V1VolumeMount[],
): V1Container {
  return {
    name: LAB_CONTAINER,
    image: r.image,
    imagePullPolicy: opts.imagePullPolicy ?? 'IfNotPresent',
    // PID 1 is `sleep infinity` as nobody: setpriv drops uid and capabilities, then execs sleep.
    command: [
      'setpriv',
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      '--inh-caps=-all',
      '--',
      'sleep',
      'infinity',
    ],
    workingDir: '/',
    resources: resources(spec.limits.memoryMb, spec.limits.cpus, r.fraction),
    securityContext: hardened({
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      capabilities: { drop: ['ALL'], add: [...ROOT_EXEC_CAPABILITIES] },
    }),
    volumeMounts: mounts,
    stdin: false,
    tty: false,
  }
}

/** network 'lab' only: NET_ADMIN and nothing else, for the runner's nft DNAT rules. */
function netContainer(r: Resolved, opts: PodOptions): V1Container {
  return {
    name: NET_CONTAINER,
    image: r.image,
    imagePullPolicy: opts.imagePullPolicy ?? 'IfNotPresent',
    command: ['sleep', 'infinity'],
    resources: {
      limits: { memory: '32Mi', cpu: '50m', 'ephemeral-storage': '16Mi' },
      requests: { memory: '16Mi', cpu: '10m', 'ephemeral-storage': '16Mi' },
    },
    securityContext: hardened({
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] },
    }),
  }
}

/** Pod-level fields shared by learner and service pods. */
function podBasics(r: Resolved, opts: PodOptions) {
  return {
    restartPolicy: 'Never',
    activeDeadlineSeconds: r.deadline,
    terminationGracePeriodSeconds: 1,
    automountServiceAccountToken: false,
    serviceAccountName: r.serviceAccount,
    enableServiceLinks: false,
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    shareProcessNamespace: false,
    // Resolver on loopback: no DNS query leaves the pod, and no cluster search domains are written.
    dnsPolicy: 'None',
    dnsConfig: { nameservers: ['127.0.0.1'], searches: [], options: [] },
    ...(opts.userNamespace ? { hostUsers: false } : {}),
    ...(r.runtimeClass ? { runtimeClassName: r.runtimeClass } : {}),
    ...(opts.nodeSelector ? { nodeSelector: { ...opts.nodeSelector } } : {}),
  }
}

/** The learner's pod: one per session. */
export function learnerPod(spec: SandboxSpec, opts: PodOptions): V1Pod {
  const r = resolve(spec, opts)
  const v = volumes(spec.limits)
  const containers = [labContainer(spec, r, opts, v.mounts)]
  if (spec.network === 'lab') containers.push(netContainer(r, opts))
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: r.name,
      namespace: r.namespace,
      labels: labels(r, 'learner'),
      annotations: { [SESSION_ID_ANNOTATION]: spec.sessionId },
    },
    spec: {
      ...podBasics(r, opts),
      hostname: r.hostname,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containers,
      volumes: v.volumes,
    },
  }
}

/** Deny all ingress and egress of every kenshu lab pod (anything carrying the session label). */
export function denyAllPolicy(namespace: string): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: DENY_ALL_POLICY,
      namespace: check(DNS_LABEL, namespace, 'namespace'),
      labels: { [LABEL.managedBy]: 'kenshu' },
    },
    spec: {
      podSelector: { matchExpressions: [{ key: LABEL.session, operator: 'Exists' }] },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [],
    },
  }
}

/** Where a lab service is reached from the learner pod; throws for what the driver cannot place. */
export function serviceEndpoint(service: LabServiceSpec): { address: string; port: number } {
  const address = service.address ?? LAB_SUBNET.service
  const problem = checkServiceAddress(address)
  if (problem) throw new Error(`lab service: ${problem}`)
  const port = service.port
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error('lab service: the kubernetes driver needs a TCP port for every service')
  if (service.dir !== undefined) throw new Error('lab service: host directories cannot be mounted into pods')
  return { address, port }
}

/**
 * The service's argv with its bind address turned into 0.0.0.0 (the pod cannot own the lab
 * address; the learner pod's DNAT sends address:port here). Only the runtime's built-in listener
 * shape (`perl -e <src> <address> <port> [banner]`) is accepted: anything else fails closed.
 */
export function serviceCommand(service: LabServiceSpec): string[] {
  const { address, port } = serviceEndpoint(service)
  const c = service.command
  const ok = Array.isArray(c) && c.length >= 5 && c.length <= 6 && c[0] === 'perl' && c[1] === '-e'
  if (!ok || c[3] !== address || c[4] !== String(port) || !c.every((a) => typeof a === 'string'))
    throw new Error(
      'lab service: only the built-in listener (perl -e … address port banner) can run in a pod',
    )
  return [c[0] as string, c[1] as string, c[2] as string, '0.0.0.0', ...c.slice(4)]
}

export function serviceName(spec: SandboxSpec, index: number): { pod: string; label: string } {
  if (!Number.isInteger(index) || index < 0 || index > 63) throw new Error('invalid service index')
  return { pod: `${sessionName(spec.sessionId)}-svc-${index}`, label: `svc-${index}` }
}

/** One fake service (network 'lab') in its own pod: nobody, no capabilities, restricted-compatible. */
export function labServicePod(
  spec: SandboxSpec,
  opts: PodOptions,
  index: number,
  service: LabServiceSpec,
  owner?: OwnerPod,
): V1Pod {
  if (spec.network !== 'lab') throw new Error('lab services need network: lab')
  const r = resolve(spec, opts)
  const command = serviceCommand(service)
  const { port } = serviceEndpoint(service)
  const n = serviceName(spec, index)
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: n.pod,
      namespace: r.namespace,
      labels: labels(r, 'service', { [LABEL.service]: n.label }),
      annotations: { [SESSION_ID_ANNOTATION]: spec.sessionId },
      ownerReferences: ownerRefs(owner),
    },
    spec: {
      ...podBasics(r, opts),
      hostname: 'service',
      securityContext: {
        seccompProfile: { type: 'RuntimeDefault' },
        runAsNonRoot: true,
        runAsUser: NOBODY,
        runAsGroup: NOBODY,
        // A "safe" namespaced sysctl (allowed by every Pod Security level): nobody may listen on e.g. 443.
        ...(port < 1024 ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
      },
      containers: [
        {
          name: SERVICE_CONTAINER,
          image: r.image,
          imagePullPolicy: opts.imagePullPolicy ?? 'IfNotPresent',
          command,
          ports: [{ containerPort: port, protocol: 'TCP' }],
          resources: resources(64, 0.1, r.fraction),
          securityContext: hardened({
            runAsNonRoot: true,
            runAsUser: NOBODY,
            runAsGroup: NOBODY,
            capabilities: { drop: ['ALL'] },
          }),
        },
      ],
    },
  }
}

/**
 * The two rules that open exactly learner pod → service pod on the service's TCP port (and the
 * replies, which policies allow implicitly). Everything else stays under the deny-all policy.
 */
export function labServicePolicies(
  spec: SandboxSpec,
  opts: PodOptions,
  index: number,
  service: LabServiceSpec,
  owner?: OwnerPod,
): [egress: V1NetworkPolicy, ingress: V1NetworkPolicy] {
  const r = resolve(spec, opts)
  const { port } = serviceEndpoint(service)
  const n = serviceName(spec, index)
  const learner = { matchLabels: { [LABEL.session]: r.name, [LABEL.role]: 'learner' } }
  const svc = { matchLabels: { [LABEL.session]: r.name, [LABEL.role]: 'service', [LABEL.service]: n.label } }
  const ports = [{ protocol: 'TCP', port }]
  // client-node calls the ingress field `_from` (its serializer writes "from"); a misspelt field is
  // silently dropped by that serializer, which is why specs.test.ts serializes every object.
  const meta = (suffix: string) => ({
    name: `${n.pod}-${suffix}`,
    namespace: r.namespace,
    labels: {
      [LABEL.managedBy]: 'kenshu',
      [LABEL.session]: r.name,
      [LABEL.lab]: r.lab,
      [LABEL.runner]: r.runner,
    },
    ownerReferences: ownerRefs(owner),
  })
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('egress'),
      spec: {
        podSelector: learner,
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: svc }], ports }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('ingress'),
      spec: {
        podSelector: svc,
        policyTypes: ['Ingress'],
        ingress: [{ _from: [{ podSelector: learner }], ports }],
      },
    },
  ]
}

/** nft script for the learner pod's `net` container: lab address:port → the service pod. */
export function natRules(address: string, port: number, podIP: string): string {
  const problem = checkServiceAddress(address)
  if (problem) throw new Error(`lab service: ${problem}`)
  if (!IPV4.test(podIP))
    throw new Error(
      `service pod IP ${JSON.stringify(podIP)} is not IPv4 (IPv6-only clusters are not supported)`,
    )
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('invalid port')
  return [
    'table ip kenshu {',
    '  chain output { type nat hook output priority -100; policy accept; }',
    '}',
    `add rule ip kenshu output ip daddr ${address} tcp dport ${port} dnat to ${podIP}:${port}`,
    '',
  ].join('\n')
}

/**
 * Which top-level parts of a lab's files/ overlay can land in the pod: only the writable mounts
 * (the root file system is read-only). Returns tar members; throws naming what cannot be placed.
 */
export function overlayMembers(top: string[], homeChildren: string[]): string[] {
  const writable = new Set(['tmp', 'srv', 'var', 'run', 'root'])
  const members: string[] = []
  for (const e of [...top].sort()) {
    if (writable.has(e)) members.push(e)
    else if (e === 'home') {
      const other = homeChildren.filter((c) => c !== 'learner')
      if (other.length)
        throw new Error(`files/home/${other[0]} cannot be placed: only /home/learner is writable in a pod`)
      if (homeChildren.includes('learner')) members.push('home/learner')
    } else
      throw new Error(
        `files/${e} cannot be placed: the pod's root file system is read-only (writable: /home/learner, /tmp, /srv, /var, /run, /root)`,
      )
  }
  return members
}

// ---------------------------------------------------------------- exec protocol

/**
 * The constant wrapper every exec runs (`bash --norc --noprofile -c EXEC_WRAPPER`). A Kubernetes
 * exec has stdin only, so the script and the command's own stdin share it, framed as
 * `<script bytes> <stdin bytes>\n<script><stdin>`: the script is read into memory, checked for its
 * full length (a truncated script never runs), then sourced with exactly the next <stdin bytes> as
 * its stdin — EOF comes from the frame, not from closing the stream (which older exec protocols
 * cannot do without closing the whole connection). The script never touches the pod's file system
 * and never appears on a command line.
 */
export const EXEC_WRAPPER = [
  `IFS=' ' read -r n m || exit ${EXIT_INFRA}`,
  `case "$n:$m" in *[!0-9:]*|:*|*:) exit ${EXIT_INFRA} ;; esac`,
  'LC_ALL=C',
  `s=$(head -c "$n"; printf x) || exit ${EXIT_INFRA}`,
  's=${s%x}',
  `[ "\${#s}" -eq "$n" ] || exit ${EXIT_INFRA}`,
  'unset LC_ALL',
  `source <(printf '%s' "$s") < <(head -c "$m" 2>/dev/null)`,
].join('\n')

export function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`
}

/** The framed stdin of one exec. `env` (root only) becomes `export` lines inside the script. */
export function execPayload(
  script: string,
  stdin: string | Uint8Array = '',
  env: Record<string, string> = {},
): Buffer {
  const exports = Object.entries(env).map(
    ([k, v]) => `export ${check(ENV_NAME, k, 'env name')}=${shellQuote(v)}\n`,
  )
  const body = Buffer.from(exports.join('') + script, 'utf8')
  const data = typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : Buffer.from(stdin)
  return Buffer.concat([Buffer.from(`${body.length} ${data.length}\n`), body, data])
}

const LEARNER_ENV = [
  `PATH=${PATH_ENV}`,
  `HOME=${LEARNER.home}`,
  'USER=learner',
  'LOGNAME=learner',
  'SHELL=/bin/bash',
  'TERM=xterm-256color',
  'LANG=C.UTF-8',
]
const ROOT_ENV = [`PATH=${PATH_ENV}`, 'HOME=/root', 'USER=root', 'LOGNAME=root', 'LANG=C.UTF-8']

/** Become the learner: uid/gid 1000, no groups, no inheritable capabilities, no_new_privs. */
export const LEARNER_ENTRY = [
  'setpriv',
  `--reuid=${LEARNER.uid}`,
  `--regid=${LEARNER.gid}`,
  '--clear-groups',
  '--inh-caps=-all',
  '--no-new-privs',
  '--',
] as const

/** argv of a script exec; `timeout` makes its own process group and kills it (children too). */
export function execArgv(role: 'root' | 'learner', timeoutMs: number): string[] {
  const secs = Math.max(1, Math.ceil(timeoutMs / 1000))
  const run = [
    'timeout',
    '--kill-after=1',
    `${secs}s`,
    'bash',
    '--norc',
    '--noprofile',
    '-c',
    EXEC_WRAPPER,
    'kenshu-exec',
  ]
  // env's options must precede its NAME=VALUE arguments.
  if (role === 'root') return ['env', '-i', '-C', '/', ...ROOT_ENV, ...run]
  return [...LEARNER_ENTRY, 'env', '-i', '-C', LEARNER.home, ...LEARNER_ENV, ...run]
}

/** argv of the learner's interactive shell (exec with a TTY). */
export function shellArgv(): string[] {
  return [...LEARNER_ENTRY, 'env', '-i', '-C', LEARNER.home, ...LEARNER_ENV, 'bash', '-l']
}

/** The exit code an exec's status channel reports. */
export function exitCodeOf(status: V1Status | undefined): number {
  if (!status) return EXIT_INFRA
  if (status.status === 'Success') return 0
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode')
    const n = Number(cause?.message)
    if (Number.isInteger(n) && n >= 0 && n <= 255) return n
  }
  return EXIT_INFRA
}

// ---------------------------------------------------------------- root scripts the driver runs

/** First root exec of a pod: emptyDirs are created 0777; give them the modes the bubblewrap sandbox has. */
export const LOCKDOWN_SCRIPT = [
  'set -e',
  'chmod 0755 /srv /var /run',
  'chmod 0700 /root',
  'chmod 1777 /tmp',
  'mkdir -p /var/tmp /var/log',
  'chmod 1777 /var/tmp',
  `chown ${LEARNER.uid}:${LEARNER.gid} ${LEARNER.home}`,
  `chmod 0700 ${LEARNER.home}`,
].join('\n')

/** Unpacks the files/ overlay (tar on stdin) as root; the learner's home goes to the learner. */
export const OVERLAY_SCRIPT = [
  'set -e',
  'tar -x -f - -C / --no-same-owner --no-overwrite-dir',
  `chown -R ${LEARNER.uid}:${LEARNER.gid} ${LEARNER.home}`,
].join('\n')

/** Root script that succeeds once address:port accepts a TCP connection from the learner pod (≈10 s). */
export function probeScript(address: string, port: number): string {
  const { address: a, port: p } = serviceEndpoint({ address, port, command: [] })
  return `for i in $(seq 1 50); do if (exec 3<>/dev/tcp/${a}/${p}) 2>/dev/null; then exit 0; fi; sleep 0.2; done; exit 1`
}

/** An /etc/hosts line for a named service (validated: it is appended by root). */
export function hostsLine(address: string, hostname: string): string {
  check(
    /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i,
    hostname,
    'service hostname',
  )
  if (!IPV4.test(address)) throw new Error('invalid service address')
  return `${address}\t${hostname}\n`
}
