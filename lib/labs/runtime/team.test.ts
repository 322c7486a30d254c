import { describe, expect, test } from 'vitest'
import type { LoadedLab } from '../package/load'
import { LabSetupError } from './provision'
import { mergeTeamVariables, provisionTeam, teamScriptPreamble } from './team'
import type { SandboxDriver } from '../sandbox/types'

const hosts = [
  { name: 'ws01', address: '10.214.3.21' },
  { name: 'gw01', address: '10.214.3.5' },
  { name: 'c2', address: '10.214.3.87' },
]

describe('teamScriptPreamble', () => {
  test('names the host, its address and every host of the team (listed or not)', () => {
    expect(teamScriptPreamble(hosts, 'gw01')).toBe(
      [
        '# kenshu team preamble',
        'LAB_NETWORK=team',
        "LAB_HOST='gw01'",
        "LAB_HOST_ADDR='10.214.3.5'",
        "LAB_TEAM_HOSTS='ws01=10.214.3.21 gw01=10.214.3.5 c2=10.214.3.87'",
        '',
      ].join('\n'),
    )
  })

  test('an unknown host is an error', () => {
    expect(() => teamScriptPreamble(hosts, 'fs01')).toThrow(LabSetupError)
  })
})

describe('mergeTeamVariables', () => {
  const declared = ['C2_PORT', 'BOT_NAME', 'SCAN_NAME']

  test('each host writes its share; together they write every declared variable', () => {
    expect(
      mergeTeamVariables(
        [
          { host: 'ws01', stdout: 'SCAN_NAME=abc123\n' },
          { host: 'gw01', stdout: '\nBOT_NAME=x9y8z7\n' },
          { host: 'c2', stdout: 'C2_PORT=41234\n' },
        ],
        declared,
      ),
    ).toEqual({ ok: true, variables: { SCAN_NAME: 'abc123', BOT_NAME: 'x9y8z7', C2_PORT: '41234' } })
  })

  test('a variable written by two hosts is an error', () => {
    expect(
      mergeTeamVariables(
        [
          { host: 'ws01', stdout: 'SCAN_NAME=a\nC2_PORT=1\n' },
          { host: 'gw01', stdout: 'BOT_NAME=b\n' },
          { host: 'c2', stdout: 'C2_PORT=2\n' },
        ],
        declared,
      ),
    ).toEqual({ ok: false, errors: ['C2_PORT written by both ws01 and c2 (exactly one host writes each variable)'] })
  })

  test('missing, undeclared, repeated and malformed lines are reported per host', () => {
    expect(mergeTeamVariables([{ host: 'ws01', stdout: 'SCAN_NAME=a\n' }, { host: 'c2', stdout: 'C2_PORT=1\n' }], declared)).toEqual({
      ok: false,
      errors: ['BOT_NAME was not written by any host'],
    })
    const r = mergeTeamVariables(
      [
        { host: 'ws01', stdout: 'SCAN_NAME=a\nSCAN_NAME=b\nSECRET=x\n' },
        { host: 'gw01', stdout: 'hello world\nBOT_NAME=\n' },
      ],
      declared,
    )
    expect(r).toEqual({
      ok: false,
      errors: [
        'ws01: line 2: SCAN_NAME written twice',
        'ws01: line 3: SECRET is not declared in lab.yaml variables',
        'gw01: line 1: expected NAME=value',
        'gw01: line 2: BOT_NAME is empty',
        'gw01: BOT_NAME was not written',
      ],
    })
  })
})

describe('provisionTeam refuses what it cannot run', () => {
  const fakeDriver = { name: 'k8s' } as unknown as SandboxDriver
  const teamLab = { manifest: { id: 't', hosts: [{ name: 'a' }], team: { min: 1, max: 2 } }, hosts: { a: {} } } as unknown as LoadedLab
  const soloLab = { manifest: { id: 's' } } as unknown as LoadedLab
  const ids = { networkId: 'n', sandboxId: (h: string) => `n-${h}` }

  test('a driver other than bwrap (no team networks there)', async () => {
    await expect(provisionTeam(fakeDriver, teamLab, ids, { lang: 'en', seed: 1 })).rejects.toThrow(new LabSetupError('driver k8s cannot run team networks'))
  })

  test('a solo lab', async () => {
    await expect(provisionTeam(fakeDriver, soloLab, ids, { lang: 'en', seed: 1 })).rejects.toThrow(new LabSetupError('s is not a team lab'))
  })
})
