/**
 * The sandbox driver contract. Pure types: imported by the app, the terminal gateway,
 * `labs:check` and (later) the separate lab runner and the Kubernetes driver.
 *
 * A driver owns the whole life of one learner environment: it starts it from a lab
 * package directory, gives the gateway a terminal stream, runs grading checks *inside*
 * the environment's namespaces (never from the host, see STACK-NOTES: host-side reads
 * follow learner-made symlinks), and tears everything down (processes, cgroups,
 * network namespaces) on stop.
 */

export type NetworkMode = 'none' | 'lab'

/**
 * `SandboxSpec.network` for one host of a team network (issue #9, team-network.ts): the sandbox
 * gets its own network namespace attached (veth) to the team's bridge, the host's name as
 * hostname, and the team's listed hosts in /etc/hosts. Build it with `teamHostNetwork()` from a
 * network made by `createTeamNetwork()`; the driver checks `host` and `address` against the team's
 * record. Root only. Not supported yet by the k8s driver (refuses it: 'invalid network mode') nor by
 * the lab runner's HTTP API (lib/labs/runner/server.ts maps anything but 'lab' to 'none').
 */
export type TeamNetworkAttachment = {
  mode: 'team'
  /** The team network's id (`createTeamNetwork({ id })`). */
  network: string
  /** The host's name in the team network; also the sandbox's hostname. */
  host: string
  /** The host's IPv4 address in the team's subnet (must match the team's record). */
  address: string
}

/** What `SandboxSpec.network` accepts: the two per-session modes, or one host of a team network. */
export type SandboxNetwork = NetworkMode | TeamNetworkAttachment

export type SandboxLimits = {
  /** cgroup memory limit for the whole sandbox, tmpfs included. */
  memoryMb: number
  /** cgroup pids limit. */
  pids: number
  /** CPU quota as a share of one core (0.5 = half a core). */
  cpus: number
  /** Sizes of the tmpfs mounted at the learner's home and /tmp. */
  homeMb: number
  tmpMb: number
}

export type SandboxSpec = {
  /** Unique id for this environment, [a-z0-9-]{1,64}. Used in cgroup and netns names. */
  sessionId: string
  /** Absolute path of the lab package directory (lab.yaml, setup.sh, files/ ...). Read-only to the sandbox. */
  labDir: string
  limits: SandboxLimits
  /** 'none', 'lab' (per-session lab network), or one host of a team network ({@link TeamNetworkAttachment}). */
  network: SandboxNetwork
  /** Hard wall-clock limit; the driver stops the sandbox when it is reached. */
  timeLimitSec: number
  /**
   * Run the package's setup.sh inside start() (default true). The lab runtime turns this off and runs
   * setup itself through exec(), because it needs setup's per-session variables back (protocol.ts).
   */
  runSetup?: boolean
  /**
   * Idle timeout for this sandbox in seconds (no input and no touch()); 0 = never idle-stopped.
   * Default: the driver's own setting. Team exercises pass 0: a host nobody types into for an hour
   * is still part of the exercise.
   */
  idleTimeoutSec?: number
  /** Extra environment for setup/check scripts only (never for the learner shell). */
  env?: Record<string, string>
}

export type ExecResult = {
  exitCode: number
  stdout: string
  stderr: string
  timedOut: boolean
}

export type ExecOptions = {
  /** Run as the sandbox's root (uid 0 inside the user namespace) instead of the learner. */
  asRoot?: boolean
  timeoutMs?: number
  /** Data written to the command's stdin. */
  stdin?: string
  /** Upper bound on captured stdout/stderr bytes each; the rest is dropped. */
  maxOutputBytes?: number
}

export type TerminalSize = { cols: number; rows: number }

/** `attach()` options. `shell` names a separate learner shell in the same sandbox ([a-z0-9-]{1,40}). */
export type AttachOptions = { shell?: string }

/** A live terminal attached to the learner shell inside a sandbox. Binary-safe. */
export type TerminalStream = {
  write(data: string | Uint8Array): void
  resize(size: TerminalSize): void
  onData(listener: (chunk: Uint8Array) => void): () => void
  onExit(listener: (code: number) => void): () => void
  /** Flow control: stop/start reading from the pty (backpressure from a slow client). */
  pause(): void
  resume(): void
  close(): void
}

export type SandboxStatus = {
  sessionId: string
  state: 'starting' | 'ready' | 'stopping' | 'stopped' | 'failed'
  startedAt: number
  /** Resident memory of the sandbox's cgroup in bytes, when the driver can tell. */
  memoryBytes?: number
  pids?: number
  reason?: string
}

export type SandboxAvailability =
  | { available: true; driver: string; cgroup: 'v1' | 'v2' | 'none'; details: string }
  | { available: false; driver: string; reason: string }

export interface SandboxDriver {
  readonly name: string
  /** Whether this host can run sandboxes at all. Labs fail closed when it cannot. */
  availability(): Promise<SandboxAvailability>
  /** Create the environment and run the package's setup.sh as sandbox root; resolves when ready for a learner. */
  start(spec: SandboxSpec): Promise<SandboxStatus>
  /** Attach (or re-attach) the learner's interactive shell. */
  attach(sessionId: string, size: TerminalSize, options?: AttachOptions): Promise<TerminalStream>
  /**
   * Run a command inside the sandbox's namespaces (checks, setup variables). `command` is bash
   * script text; drivers must deliver it without writing it into the sandbox's filesystem or onto a
   * command line the learner can read. Grading checks must use `asRoot`: a process running as the
   * learner can be inspected and tampered with by the learner.
   */
  exec(sessionId: string, command: string, options?: ExecOptions): Promise<ExecResult>
  status(sessionId: string): Promise<SandboxStatus | undefined>
  /** Record learner activity for the idle timeout (the gateway calls it on input and heartbeats). Optional. */
  touch?(sessionId: string): void
  /** Kill every process, remove cgroups and network namespaces. Idempotent. */
  stop(sessionId: string): Promise<void>
  /**
   * Stop everything this driver started (server shutdown). With `reapLeftovers` (server boot only) also
   * remove every sandbox left on the host by a crashed previous server.
   */
  stopAll(options?: { reapLeftovers?: boolean }): Promise<void>
}
