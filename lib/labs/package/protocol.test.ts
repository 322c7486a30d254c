import { spawnSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { buildScriptStdin, parseCheckResult, parseSetupVariables, SCRIPT_COMMAND, SETUP_COMMAND, shellQuote, type ScriptContext } from './protocol'

// Next's types make NODE_ENV required in ProcessEnv; these runs get a minimal environment on purpose.
const env = (e: Record<string, string>) => e as unknown as NodeJS.ProcessEnv
const ctx: ScriptContext = { labId: 'demo', learnerUid: 1000, learnerGid: 1000, learnerHome: '/home/learner', network: 'none', lang: 'ja', seed: 42 }
// Drivers run the command with /bin/sh -c (see protocol.ts); a plain `bash -c` wrapper would itself source ~/.bashrc.
const bash = (command: string, stdin: string) => spawnSync('sh', ['-c', command], { input: stdin, encoding: 'utf8', env: env({ PATH: '/usr/bin:/bin', HOME: '/nonexistent' }) })

describe('parseSetupVariables', () => {
  test('reads NAME=value lines; "=" may appear in values', () => {
    expect(parseSetupVariables('A=1\n\nB=x=y\n', ['A', 'B'])).toEqual({ ok: true, variables: { A: '1', B: 'x=y' } })
  })
  test('reports every problem', () => {
    const r = parseSetupVariables('A=1\nA=2\nC=3\nnot a line\nB=\n', ['A', 'B'])
    expect(r).toEqual({
      ok: false,
      errors: ['line 2: A written twice', 'line 3: C is not declared in lab.yaml variables', 'line 4: expected NAME=value', 'line 5: B is empty', 'B was not written'],
    })
  })
})

describe('parseCheckResult', () => {
  test('exit codes: 0 pass, 1 fail, other = error; timeout is never a pass', () => {
    expect(parseCheckResult({ exitCode: 0, stdout: 'done\nmore', timedOut: false })).toEqual({ status: 'pass', message: 'done' })
    expect(parseCheckResult({ exitCode: 1, stdout: '', timedOut: false })).toEqual({ status: 'fail', message: '' })
    expect(parseCheckResult({ exitCode: 127, stdout: '', timedOut: false })).toEqual({ status: 'error', message: 'check exited with 127' })
    expect(parseCheckResult({ exitCode: 0, stdout: 'ok', timedOut: true }).status).toBe('error')
  })
  test('terminal escapes and control characters are stripped from the message', () => {
    expect(parseCheckResult({ exitCode: 1, stdout: '\u001b[31mred\u001b[0m\u0007 text', timedOut: false }).message).toBe('red text')
  })
})

describe('script stdin (run through a real bash)', () => {
  test('variables and context reach the script, unexported, quoting-safe', () => {
    const script = 'echo "$LAB_ID $LAB_LANG $LAB_LEARNER_UID [$VAR_X]"; env | grep -c "^VAR_" || true'
    const r = bash(SCRIPT_COMMAND, buildScriptStdin(script, ctx, { X: "it's $(rm -rf /) `x`" }))
    expect(r.stdout).toBe("demo ja 1000 [it's $(rm -rf /) `x`]\n0\n")
  })

  test('commands reading stdin cannot swallow the rest of the script', () => {
    const r = bash(SCRIPT_COMMAND, buildScriptStdin('cat\nread -r line || echo "eof"\necho after', ctx))
    expect(r.stdout).toBe('eof\nafter\n')
  })

  test('exit codes pass through', () => {
    expect(bash(SCRIPT_COMMAND, buildScriptStdin('echo nope; exit 1', ctx)).status).toBe(1)
  })

  test('setup: fd 3 is the variable channel, its own stdout goes to stderr', () => {
    const r = bash(SETUP_COMMAND, buildScriptStdin('echo log line; echo "A=1" >&3; echo "B=$LAB_SEED" >&3', ctx))
    expect(r.stdout).toBe('A=1\nB=42\n')
    expect(r.stderr).toBe('log line\n')
    expect(parseSetupVariables(r.stdout, ['A', 'B'])).toEqual({ ok: true, variables: { A: '1', B: '42' } })
  })

  test('shellQuote survives a round trip', () => {
    const v = `a'b"c$d\\e\nf`
    expect(spawnSync('bash', ['--norc', '-c', `printf %s ${shellQuote(v)}`], { encoding: 'utf8' }).stdout).toBe(v)
  })
})

describe('startup files', () => {
  test('a root script never sources ~/.bashrc, even when stdin is a socket', () => {
    // spawnSync gives the child a socket for stdin: exactly the case Debian's bash treats as "from sshd".
    const home = spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim()
    spawnSync('bash', ['-c', `echo 'echo PWNED' > ${home}/.bashrc`])
    const r = spawnSync('sh', ['-c', SCRIPT_COMMAND], { input: buildScriptStdin('echo clean', ctx), encoding: 'utf8', env: env({ PATH: '/usr/bin:/bin', HOME: home }) })
    expect(r.stdout).toBe('clean\n')
    spawnSync('rm', ['-rf', home])
  })
})
