import { describe, expect, it } from 'vitest'
import { BaselineSchema, CreateRoleSchema, UpdateRoleSchema, editsFromDesired } from './validation'

describe('role input', () => {
  it('reads a baseline reference with or without a work role', () => {
    expect(BaselineSchema.parse('nice@2.1.0#PD-WRL-003')).toEqual({
      frameworkId: 'nice',
      frameworkVersion: '2.1.0',
      workRoleId: 'PD-WRL-003',
    })
    expect(BaselineSchema.parse('acme-std@2026.1#')).toEqual({
      frameworkId: 'acme-std',
      frameworkVersion: '2026.1',
      workRoleId: null,
    })
    for (const bad of ['nice', 'nice@#x', '../x@1#y', 'nice@2.1.0#<script>', 'NICE@1#'])
      expect(BaselineSchema.safeParse(bad).success, bad).toBe(false)
  })
  it('validates the create form, with field errors as i18n keys', () => {
    const ok = CreateRoleSchema.parse({
      title: '  Incident responder ',
      positionLevel: '',
      baseline: 'nice@2.1.0#PD-WRL-003',
      defaultLevel: '3',
    })
    expect(ok).toMatchObject({
      title: 'Incident responder',
      positionLevel: null,
      defaultLevel: 3,
      description: '',
    })
    const bad = CreateRoleSchema.safeParse({
      title: '',
      positionLevel: '9',
      baseline: 'x',
      defaultLevel: '0',
    })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues.map((i) => [i.path[0], i.message])).toEqual([
      ['title', 'required'],
      ['positionLevel', 'invalid'],
      ['baseline', 'invalid'],
      ['defaultLevel', 'invalid'],
    ])
  })
  it('parses the editor JSON and refuses malformed or out-of-range rows', () => {
    const base = { roleId: 'abc', expectedVersion: '2', title: 'R', positionLevel: '3' }
    const ok = UpdateRoleSchema.parse({
      ...base,
      requirements: JSON.stringify([{ statementId: 'T1084', level: 3, weight: 2 }]),
    })
    expect(ok.requirements).toEqual([{ statementId: 'T1084', level: 3, weight: 2 }])
    for (const requirements of [
      '{',
      '[{"statementId":"T1","level":5}]',
      '[{"statementId":"a b","level":1}]',
      '[{"statementId":"T1","level":1,"weight":99}]',
      '"x"',
    ])
      expect(UpdateRoleSchema.safeParse({ ...base, requirements }).success, requirements).toBe(false)
  })
  it('turns the desired list into edits that drop what is missing', () => {
    expect(
      editsFromDesired(
        ['T1', 'K1', 'S1'],
        [
          { statementId: 'K1', level: 4 },
          { statementId: 'T9', level: 2, weight: 2 },
        ],
      ),
    ).toEqual([
      { statementId: 'T1', level: 0 },
      { statementId: 'S1', level: 0 },
      { statementId: 'K1', level: 4 },
      { statementId: 'T9', level: 2, weight: 2 },
    ])
  })
})
