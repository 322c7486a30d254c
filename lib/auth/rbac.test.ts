import { describe, expect, test } from 'vitest'
import { can, HOME_OF, isRole, PERMISSIONS, permissionsOf, ROLES } from './rbac'

describe('permission table', () => {
  test('admin holds every permission', () => {
    for (const p of PERMISSIONS) expect(can('admin', p)).toBe(true)
  })
  test('a learner cannot manage users, edit roles or see organisation readiness', () => {
    expect(can('learner', 'users:manage')).toBe(false)
    expect(can('learner', 'roles:edit')).toBe(false)
    expect(can('learner', 'org:readiness')).toBe(false)
    expect(can('learner', 'team:view')).toBe(false)
    expect(can('learner', 'lab:use')).toBe(true)
  })
  test('hr and admin manage issued badges; learners and managers do not', () => {
    expect(can('hr', 'badges:manage')).toBe(true)
    expect(can('admin', 'badges:manage')).toBe(true)
    for (const r of ['learner', 'manager', 'executive'] as const) expect(can(r, 'badges:manage')).toBe(false)
  })
  test('hr edits role requirements but does not administer users', () => {
    expect(can('hr', 'roles:edit')).toBe(true)
    expect(can('hr', 'users:manage')).toBe(false)
  })
  test('managers see their teams and also learn', () => {
    expect(can('manager', 'team:view')).toBe(true)
    expect(can('manager', 'lab:use')).toBe(true)
    expect(can('manager', 'roles:edit')).toBe(false)
  })
  test('executives take briefings, not labs', () => {
    expect(can('executive', 'brief:use')).toBe(true)
    expect(can('executive', 'lab:use')).toBe(false)
  })
  test('unknown, empty or forged roles hold nothing', () => {
    for (const r of ['root', 'Admin', '', null, undefined, 'admin ', '__proto__', 'constructor'])
      for (const p of PERMISSIONS) expect(can(r as string, p)).toBe(false)
    expect(isRole('toString')).toBe(false)
  })
  test('every role has a home page it is allowed to open', () => {
    const homePermission = { '/learn': 'home:learner', '/exec': 'home:executive', '/team': 'home:manager', '/hr': 'home:hr', '/admin': 'home:admin', '/exercises': 'home:instructor' } as const
    for (const r of ROLES) expect(can(r, homePermission[HOME_OF[r] as keyof typeof homePermission])).toBe(true)
  })
  test('permissionsOf lists exactly the granted permissions', () => {
    for (const r of ROLES) expect(permissionsOf(r).every((p) => can(r, p))).toBe(true)
    expect(permissionsOf('admin')).toHaveLength(PERMISSIONS.length)
  })
})
