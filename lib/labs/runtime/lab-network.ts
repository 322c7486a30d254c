/**
 * Turns a package's `network: { mode: lab, services }` into the sandbox driver's lab services.
 *
 * Pure (no file system, no processes, no database): provision.ts calls it after setup.sh, when the
 * per-session variables that service addresses may name (`address: '{{C2_ADDR}}'`) are known.
 *
 * Why after setup (the "second phase"): a service address is often part of the incident a lab
 * plants — the C2 the bot beacons to — and setup.sh is where every per-session value is drawn
 * (labs/README.md, "Variables"). Drawing network variables before start() in the runtime would
 * split that one source of truth in two and break existing setups that pick the C2 themselves;
 * fixed literals only would make every session share the answer. So the driver creates the empty
 * link at start(), setup.sh runs, and then the runtime adds each service's address and listener.
 * Processes that setup.sh starts must therefore retry their connections (the flagship's beacon
 * already does, once a minute).
 */
import type { LabNetwork } from '../package/manifest'
import type { LabServiceSpec } from '../sandbox/netns'
import type { SandboxDriver } from '../sandbox/types'

/**
 * The listener every lab service runs: one perl process (perl-base is Essential in Debian, so
 * it exists wherever the sandbox's read-only /usr comes from; bash cannot listen, socat/nc/python3
 * are not in the base system). Single-threaded with select(): many held connections (a bot's
 * ESTABLISHED beacon) cost no processes, and the session's pids limit is not touched. It sends
 * the banner (if any) on accept, then reads and discards until the peer closes. At most 64
 * connections at once; more are closed at accept, so a learner's loop cannot exhaust its memory.
 * argv: address port banner.
 */
export const LAB_SERVICE_SERVER = [
  'use strict; use IO::Socket::INET; use IO::Select;',
  'my ($addr, $port, $banner) = @ARGV; $SIG{PIPE} = "IGNORE";',
  'my $l = IO::Socket::INET->new(LocalAddr => $addr, LocalPort => $port, Listen => 16, ReuseAddr => 1, Proto => "tcp") or die "listen $addr:$port: $!\\n";',
  'my $s = IO::Select->new($l);',
  'while (1) { for my $h ($s->can_read) {',
  '  if ($h == $l) { my $c = $l->accept or next; if ($s->count > 64) { close $c; next }',
  '    syswrite($c, $banner) if length $banner; $s->add($c); next }',
  '  my $n = sysread($h, my $buf, 4096); if (!$n) { $s->remove($h); close $h }',
  '} }',
].join('\n')

const PLACEHOLDER = /^\{\{([A-Z][A-Z0-9_]{0,31})\}\}$/

export class LabNetworkError extends Error {}

/** A service's address: the literal, or this session's value of the one variable it names. */
export function resolveServiceAddress(address: string, variables: Readonly<Record<string, string>>): string {
  const name = PLACEHOLDER.exec(address)?.[1]
  if (!name) return address
  const value = variables[name]
  if (value === undefined) throw new LabNetworkError(`service address {{${name}}}: setup.sh did not write ${name}`)
  return value
}

/**
 * The driver's service list for a lab network. Hostnames are deliberately left out: /etc/hosts is
 * readable by the learner, and a line like `198.51.100.7 c2` would give away what the lab wants
 * them to find. Addresses are validated by the driver (netns.ts `checkServiceAddress`); two
 * services on the same address and port are refused here because the second could never listen.
 */
export function labServicesFor(network: LabNetwork, variables: Readonly<Record<string, string>>): LabServiceSpec[] {
  if (network.mode !== 'lab') return []
  const seen = new Map<string, string>()
  return network.services.map((s) => {
    const address = resolveServiceAddress(s.address, variables)
    const key = `${address}:${s.port}`
    const other = seen.get(key)
    if (other) throw new LabNetworkError(`services ${other} and ${s.id} both listen on ${key}`)
    seen.set(key, s.id)
    const banner = s.behaviour === 'banner' ? (s.banner ?? '') : ''
    return { address, port: s.port, command: ['perl', '-e', LAB_SERVICE_SERVER, address, String(s.port), banner] }
  })
}

/** A driver that can add services to a running lab network (the bwrap driver; see netns.ts). */
export type LabNetworkDriver = SandboxDriver & {
  addLabServices(sessionId: string, services: LabServiceSpec[]): Promise<void>
}

/** Whether `driver` can run a package's lab services after setup. */
export function supportsLabServices(driver: SandboxDriver): driver is LabNetworkDriver {
  return typeof (driver as Partial<LabNetworkDriver>).addLabServices === 'function'
}
