/**
 * Loads and validates a lab package directory (`labs/<id>/`): lab.yaml against the manifest
 * schema, then the files it implies (step MDX in both languages, setup.sh, solve.sh,
 * checks/<task>.sh, the files/ overlay), with limits on size and shape. A team lab (`hosts:` in
 * lab.yaml) has `hosts/<name>/setup.sh`, optional `hosts/<name>/solve.sh` and `hosts/<name>/files/`
 * per host instead of the top-level setup.sh, solve.sh and files/.
 *
 * Never throws on bad input: every problem becomes a `LabError` naming the file, the field path
 * and the reason, e.g. `labs/x/lab.yaml:41:18: tasks[2].hints[0].penalty: must be ≤ points`,
 * so an author sees all problems in one run. No database, no `server-only`: used by the app,
 * the runner and `labs:check`.
 */
import { lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { LineCounter, parseDocument, type Document } from 'yaml'
import type { $ZodIssue } from 'zod/v4/core'
import { formatPath, isTeamLab, LabManifestSchema, LANGUAGES, type LabManifest } from './manifest'

export type LabError = {
  /** Repo-style path of the file at fault, e.g. `labs/iot-botnet-telnet/lab.yaml`. */
  file: string
  /** Field path inside lab.yaml, e.g. `tasks[2].hints[0].penalty`; absent for whole-file problems. */
  path?: string
  message: string
  line?: number
  col?: number
}

/** Where the runtime copies the overlay: `files/<root>/…` → `/<root>/…` inside the sandbox. */
export const OVERLAY_ROOTS = ['srv', 'opt', 'tmp', 'home/learner'] as const

export const PACKAGE_LIMITS = {
  manifestBytes: 128 * 1024,
  scriptBytes: 64 * 1024,
  stepBytes: 64 * 1024,
  fileBytes: 1024 * 1024,
  totalBytes: 8 * 1024 * 1024,
  files: 500,
  depth: 12,
} as const

export type OverlayFile = {
  /** Path inside the package, e.g. `files/srv/gateway/etc/services.conf`. */
  source: string
  /** Absolute path inside the sandbox, e.g. `/srv/gateway/etc/services.conf`. */
  target: string
  size: number
  /** Permission bits to apply in the sandbox (the owner's execute bit is what matters). */
  mode: number
}

/** One host of a team lab, as loaded (absolute paths). */
export type LoadedHost = {
  /** `<package>/hosts/<name>`: the host sandbox's `SandboxSpec.labDir` (the driver copies its `files/`). */
  dir: string
  /** `hosts/<name>/setup.sh`, run as root inside that host. */
  setup: string
  /** `hosts/<name>/solve.sh`, the host's part of the reference solution (labs:check), if any. */
  solve?: string
  /** `hosts/<name>/files/` (sources relative to the package, e.g. `hosts/ws01/files/srv/x`). */
  overlay: OverlayFile[]
}

export type LoadedLab = {
  /** Absolute, symlink-free path of the package directory. */
  dir: string
  manifest: LabManifest
  /**
   * Absolute paths of the package's scripts. Read them host-side and send them on stdin (protocol.ts).
   * In a team lab `setup` and `solve` name files that do not exist (per-host scripts are in `hosts`);
   * `checks` are used by both kinds.
   */
  scripts: { setup: string; solve: string; checks: Record<string, string> }
  /** Absolute paths of each step's MDX, per language. */
  stepFiles: Record<string, { ja: string; en: string }>
  /** The top-level `files/` overlay (always empty in a team lab). */
  overlay: OverlayFile[]
  /** Team labs only: each host's directory, scripts and overlay, by host name. */
  hosts?: Record<string, LoadedHost>
}

export type LoadResult = { ok: true; lab: LoadedLab; warnings: LabError[] } | { ok: false; errors: LabError[]; warnings: LabError[] }

export type LoadOptions = {
  /** Prefix used in error file names; default `labs/<directory name>`. */
  displayRoot?: string
  /** Known framework ids (from lib/frameworks); when given, unknown ids are errors. */
  knownStatementIds?: ReadonlySet<string>
  knownWorkRoleIds?: ReadonlySet<string>
}

type Entry = { rel: string; kind: 'file' | 'dir'; size: number; mode: number }

/** `error` when thrown by fs, as a short reason. */
function reason(e: unknown): string {
  const code = typeof e === 'object' && e && 'code' in e ? String(e.code) : ''
  if (code === 'ENOENT') return 'does not exist'
  if (code === 'EACCES') return 'is not readable'
  return e instanceof Error ? e.message : String(e)
}

/**
 * Walks the package without following symlinks. Symlinks are rejected outright: the runtime
 * copies files into the sandbox and scripts are read host-side, and a link (even an internal one)
 * could point a host-side reader outside the package.
 */
async function walk(root: string, display: string, errors: LabError[]): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>()
  let total = 0
  const visit = async (relDir: string, depth: number): Promise<void> => {
    if (depth > PACKAGE_LIMITS.depth) {
      errors.push({ file: `${display}/${relDir}`, message: `nested deeper than ${PACKAGE_LIMITS.depth} directories` })
      return
    }
    let names: string[]
    try {
      names = (await readdir(join(root, relDir))).sort()
    } catch (e) {
      errors.push({ file: `${display}/${relDir}`, message: `cannot read directory: ${reason(e)}` })
      return
    }
    for (const name of names) {
      const rel = relDir ? `${relDir}/${name}` : name
      const abs = join(root, rel)
      let st
      try {
        st = await lstat(abs)
      } catch (e) {
        errors.push({ file: `${display}/${rel}`, message: reason(e) })
        continue
      }
      if (st.isSymbolicLink()) {
        let target = '?'
        try {
          target = await readlink(abs)
        } catch {
          // keep '?'
        }
        const resolved = resolve(dirname(abs), target)
        const inside = resolved === root || resolved.startsWith(root + sep)
        errors.push({
          file: `${display}/${rel}`,
          message: inside ? `symlinks are not allowed in lab packages (→ ${target}); copy the file instead` : `symlink escapes the package (→ ${target})`,
        })
        continue
      }
      if (st.isDirectory()) {
        entries.set(rel, { rel, kind: 'dir', size: 0, mode: st.mode & 0o7777 })
        await visit(rel, depth + 1)
        continue
      }
      if (!st.isFile()) {
        errors.push({ file: `${display}/${rel}`, message: 'only regular files and directories are allowed' })
        continue
      }
      if (st.size > PACKAGE_LIMITS.fileBytes) {
        errors.push({ file: `${display}/${rel}`, message: `is ${st.size} bytes; files are limited to ${PACKAGE_LIMITS.fileBytes}` })
      }
      total += st.size
      entries.set(rel, { rel, kind: 'file', size: st.size, mode: st.mode & 0o7777 })
    }
  }
  await visit('', 0)
  const fileCount = [...entries.values()].filter((e) => e.kind === 'file').length
  if (fileCount > PACKAGE_LIMITS.files) errors.push({ file: display, message: `has ${fileCount} files; packages are limited to ${PACKAGE_LIMITS.files}` })
  if (total > PACKAGE_LIMITS.totalBytes) errors.push({ file: display, message: `is ${total} bytes; packages are limited to ${PACKAGE_LIMITS.totalBytes}` })
  return entries
}

/** Line/column of the deepest YAML node that exists along `path` (a missing key points at its parent). */
function locate(doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>): { line?: number; col?: number } {
  for (let n = path.length; n >= 0; n--) {
    const keys = path.slice(0, n).map((k) => (typeof k === 'symbol' ? String(k) : k))
    const node = n === 0 ? doc.contents : doc.getIn(keys, true)
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range
    if (range) {
      const { line, col } = lines.linePos(range[0])
      return { line, col }
    }
  }
  return {}
}

/** zod's issue → the author-facing reason. */
function issueMessage(issue: $ZodIssue): { path: PropertyKey[]; message: string } {
  const path = [...issue.path]
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return { path, message: 'is required' }
  if (issue.code === 'invalid_type') return { path, message: issue.message.replace(/^Invalid input: /, '') }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys
    return { path: keys.length === 1 ? [...path, keys[0] ?? ''] : path, message: keys.length === 1 ? 'unknown field' : `unknown fields: ${keys.join(', ')}` }
  }
  if (issue.code === 'invalid_value') return { path, message: `must be one of: ${issue.values.map(String).join(', ')}` }
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    return { path, message: `must be one of: ${issue.options.map(String).join(', ')}` }
  }
  return { path, message: issue.message }
}

function hasShebang(text: string): boolean {
  return /^#!(\/usr)?\/bin\/(env )?(ba)?sh\b/.test(text)
}

/**
 * Loads the package at `dir` and checks everything an author can get wrong.
 * Returns `{ ok: true, lab, warnings }` or `{ ok: false, errors, warnings }`; never throws.
 */
export async function loadLabPackage(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const errors: LabError[] = []
  const warnings: LabError[] = []
  const dirName = basename(resolve(dir))
  const display = options.displayRoot ?? `labs/${dirName}`
  const manifestFile = `${display}/lab.yaml`

  let root: string
  try {
    root = await realpath(dir)
    if (!(await lstat(root)).isDirectory()) return { ok: false, errors: [{ file: display, message: 'is not a directory' }], warnings }
  } catch (e) {
    return { ok: false, errors: [{ file: display, message: reason(e) }], warnings }
  }

  const entries = await walk(root, display, errors)

  // --- lab.yaml: parse (with positions), then schema
  const manifestEntry = entries.get('lab.yaml')
  if (!manifestEntry || manifestEntry.kind !== 'file') {
    errors.push({ file: manifestFile, message: 'does not exist' })
    return { ok: false, errors, warnings }
  }
  if (manifestEntry.size > PACKAGE_LIMITS.manifestBytes) {
    errors.push({ file: manifestFile, message: `is ${manifestEntry.size} bytes; lab.yaml is limited to ${PACKAGE_LIMITS.manifestBytes}` })
    return { ok: false, errors, warnings }
  }
  let source: string
  try {
    source = await readFile(join(root, 'lab.yaml'), 'utf8')
  } catch (e) {
    errors.push({ file: manifestFile, message: reason(e) })
    return { ok: false, errors, warnings }
  }
  const lines = new LineCounter()
  // uniqueKeys: a repeated key is an error, not a silent override; no custom tags or aliases bombs.
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true })
  if (doc.errors.length > 0) {
    // Only the first: later YAML errors are nearly always cascades of it.
    const first = doc.errors[0]
    if (first) {
      const { line, col } = lines.linePos(first.pos[0])
      errors.push({ file: manifestFile, message: `YAML: ${first.message.split('\n')[0] ?? first.code}`, line, col })
    }
    return { ok: false, errors, warnings }
  }
  let raw: unknown
  try {
    // maxAliasCount bounds "billion laughs" expansion.
    raw = doc.toJS({ maxAliasCount: 50 })
  } catch (e) {
    errors.push({ file: manifestFile, message: `YAML: ${reason(e)}` })
    return { ok: false, errors, warnings }
  }

  // The directory name is the id everywhere (URLs, sessions), so check it even if the rest is broken.
  const rawId = typeof raw === 'object' && raw && 'id' in raw ? raw.id : undefined
  if (typeof rawId === 'string' && rawId !== dirName) {
    errors.push({ file: manifestFile, path: 'id', message: `'${rawId}' must equal the directory name '${dirName}'`, ...locate(doc, lines, ['id']) })
  }

  const parsed = LabManifestSchema.safeParse(raw)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { path, message } = issueMessage(issue)
      errors.push({ file: manifestFile, path: formatPath(path) || undefined, message, ...locate(doc, lines, path) })
    }
    return { ok: false, errors, warnings }
  }
  const manifest = parsed.data
  const at = (path: Array<string | number>) => ({ file: manifestFile, path: formatPath(path), ...locate(doc, lines, path) })

  if (options.knownStatementIds) {
    manifest.framework.statements.forEach((s, i) => {
      if (!options.knownStatementIds?.has(s)) errors.push({ ...at(['framework', 'statements', i]), message: `unknown statement '${s}' in ${manifest.framework.id}` })
    })
  }
  if (options.knownWorkRoleIds) {
    manifest.framework.workRoles.forEach((w, i) => {
      if (!options.knownWorkRoleIds?.has(w)) errors.push({ ...at(['framework', 'workRoles', i]), message: `unknown work role '${w}' in ${manifest.framework.id}` })
    })
  }

  // --- step texts, both languages
  const stepFiles: LoadedLab['stepFiles'] = {}
  const referenced = new Set<string>(['lab.yaml'])
  manifest.steps.forEach((step, i) => {
    for (const lang of LANGUAGES) {
      const rel = step.file[lang]
      referenced.add(rel)
      const entry = entries.get(rel)
      if (!entry || entry.kind !== 'file') errors.push({ ...at(['steps', i, 'file', lang]), message: `${rel} does not exist` })
      else if (entry.size > PACKAGE_LIMITS.stepBytes) errors.push({ file: `${display}/${rel}`, message: `is ${entry.size} bytes; step texts are limited to ${PACKAGE_LIMITS.stepBytes}` })
      else if (entry.size === 0) errors.push({ file: `${display}/${rel}`, message: 'is empty' })
    }
    stepFiles[step.id] = { ja: join(root, step.file.ja), en: join(root, step.file.en) }
  })

  // --- scripts
  const scriptProblems = async (rel: string, missing: () => LabError) => {
    referenced.add(rel)
    const entry = entries.get(rel)
    if (!entry || entry.kind !== 'file') return void errors.push(missing())
    if (entry.size > PACKAGE_LIMITS.scriptBytes) return void errors.push({ file: `${display}/${rel}`, message: `is ${entry.size} bytes; scripts are limited to ${PACKAGE_LIMITS.scriptBytes}` })
    let text = ''
    try {
      text = await readFile(join(root, rel), 'utf8')
    } catch (e) {
      return void errors.push({ file: `${display}/${rel}`, message: reason(e) })
    }
    if (!hasShebang(text)) warnings.push({ file: `${display}/${rel}`, message: 'has no #!/bin/bash line (the runtime runs it with bash regardless)' })
    if (text.includes('\r\n')) errors.push({ file: `${display}/${rel}`, message: 'has Windows line endings (CRLF); bash will fail on them' })
    // The runtime pipes scripts to bash, so the bit is only a convention for running them by hand.
    if ((entry.mode & 0o100) === 0) warnings.push({ file: `${display}/${rel}`, message: 'is not executable (chmod +x)' })
  }
  const team = isTeamLab(manifest)
  let hosts: Record<string, LoadedHost> | undefined
  if (!team) {
    await scriptProblems('setup.sh', () => ({ file: `${display}/setup.sh`, message: 'does not exist (every lab needs a setup script)' }))
    await scriptProblems('solve.sh', () => ({ file: `${display}/solve.sh`, message: 'does not exist (every lab needs a reference solution)' }))
  } else {
    // A team lab is built host by host: a top-level script or overlay would have no host to run in.
    for (const [rel, instead] of [
      ['setup.sh', 'hosts/<name>/setup.sh'],
      ['solve.sh', 'hosts/<name>/solve.sh'],
      ['files', 'hosts/<name>/files/'],
    ] as const) {
      if (!entries.has(rel)) continue
      referenced.add(rel)
      errors.push({ file: `${display}/${rel}`, message: `must not exist in a team lab (hosts: in lab.yaml); use ${instead}` })
    }
    hosts = {}
    for (const [i, host] of manifest.hosts.entries()) {
      const base = `hosts/${host.name}`
      await scriptProblems(`${base}/setup.sh`, () => ({ ...at(['hosts', i, 'name']), message: `host '${host.name}' needs ${base}/setup.sh, which does not exist` }))
      const solveEntry = entries.get(`${base}/solve.sh`)
      if (solveEntry) await scriptProblems(`${base}/solve.sh`, () => ({ file: `${display}/${base}/solve.sh`, message: 'must be a file' }))
      hosts[host.name] = {
        dir: join(root, base),
        setup: join(root, base, 'setup.sh'),
        ...(solveEntry?.kind === 'file' ? { solve: join(root, base, 'solve.sh') } : {}),
        overlay: [],
      }
    }
    if (!manifest.hosts.some((h) => entries.get(`hosts/${h.name}/solve.sh`)?.kind === 'file')) {
      errors.push({ file: `${display}/hosts`, message: 'no host has a solve.sh (a team lab needs a reference solution on at least one host)' })
    }
  }
  const checks: Record<string, string> = {}
  for (const [i, task] of manifest.tasks.entries()) {
    if (task.kind !== 'check') continue
    const rel = `checks/${task.id}.sh`
    await scriptProblems(rel, () => ({ ...at(['tasks', i, 'id']), message: `check task needs ${rel}, which does not exist` }))
    checks[task.id] = join(root, rel)
  }

  // --- overlay and stray files
  const overlay: OverlayFile[] = []
  /** An entry under an overlay directory `prefix` (`files/` or `hosts/<name>/files/`) into `into`. */
  const overlayEntry = (entry: Entry, prefix: string, into: OverlayFile[]) => {
    const inner = entry.rel.slice(prefix.length)
    const allowed = OVERLAY_ROOTS.some((r) => inner === r || inner.startsWith(`${r}/`) || (entry.kind === 'dir' && r.startsWith(`${inner}/`)))
    if (!allowed) {
      errors.push({ file: `${display}/${entry.rel}`, message: `overlay files may only go under ${OVERLAY_ROOTS.map((r) => `/${r}`).join(', ')}` })
      return
    }
    if (entry.kind === 'file') into.push({ source: entry.rel, target: `/${inner}`, size: entry.size, mode: entry.mode & 0o777 })
  }
  for (const entry of entries.values()) {
    if (entry.rel.startsWith('files/')) {
      // In a team lab the top-level files/ is already an error (above); don't list its contents too.
      if (!team) overlayEntry(entry, 'files/', overlay)
      continue
    }
    if (hosts && entry.rel.startsWith('hosts/')) {
      const [, name = '', sub] = entry.rel.split('/', 3)
      const host = Object.hasOwn(hosts, name) ? hosts[name] : undefined
      if (!host) {
        // Report the stray directory (or file) once, not every file inside it.
        if (entry.rel.split('/').length === 2) {
          errors.push({ file: `${display}/${entry.rel}`, message: `'${name}' is not a host in lab.yaml (hosts: ${Object.keys(hosts).join(', ')})` })
        }
        continue
      }
      if (sub === 'files') {
        if (entry.rel.startsWith(`hosts/${name}/files/`)) overlayEntry(entry, `hosts/${name}/files/`, host.overlay)
        else if (entry.kind !== 'dir') errors.push({ file: `${display}/${entry.rel}`, message: 'must be a directory (the host\'s overlay)' })
        continue
      }
      if (entry.kind !== 'file' || referenced.has(entry.rel)) continue
      warnings.push({ file: `${display}/${entry.rel}`, message: 'is not part of the package format and is ignored' })
      continue
    }
    if (entry.kind !== 'file' || referenced.has(entry.rel)) continue
    if (entry.rel.startsWith('checks/')) warnings.push({ file: `${display}/${entry.rel}`, message: 'no check task uses this script' })
    else if (entry.rel.startsWith('steps/')) warnings.push({ file: `${display}/${entry.rel}`, message: 'no step uses this file' })
    else if (entry.rel !== 'README.md' && entry.rel !== 'NOTES.md') warnings.push({ file: `${display}/${entry.rel}`, message: 'is not part of the package format and is ignored' })
  }

  if (errors.length > 0) return { ok: false, errors, warnings }
  return {
    ok: true,
    warnings,
    lab: { dir: root, manifest, scripts: { setup: join(root, 'setup.sh'), solve: join(root, 'solve.sh'), checks }, stepFiles, overlay, ...(hosts ? { hosts } : {}) },
  }
}

/** `labs/x/lab.yaml:12:5: tasks[2].points: must be ≥ 0`, the form printed by `labs:check`. */
export function formatLabError(e: LabError): string {
  const where = e.line !== undefined ? `${e.file}:${e.line}:${e.col ?? 1}` : e.file
  return e.path ? `${where}: ${e.path}: ${e.message}` : `${where}: ${e.message}`
}

/**
 * Loads every package under `labsDir` (directories whose names are valid lab ids; `_*` and
 * dot-directories are skipped so tooling can live beside packages). Never throws.
 */
export async function loadAllLabs(labsDir: string, options: Omit<LoadOptions, 'displayRoot'> = {}): Promise<Array<{ id: string; result: LoadResult }>> {
  let names: string[] = []
  try {
    const dirents = await readdir(labsDir, { withFileTypes: true })
    names = dirents.filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.')).map((d) => d.name).sort()
  } catch {
    return []
  }
  return Promise.all(names.map(async (id) => ({ id, result: await loadLabPackage(join(labsDir, id), options) })))
}
