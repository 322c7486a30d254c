import { describe, expect, test } from 'vitest'
import { labFramework } from './framework'

describe('labFramework', () => {
  test('maps a manifest framework id to the id evidence uses and the framework key', () => {
    expect(labFramework('nice-v2.1.0')).toEqual({ id: 'nice', version: '2.1.0', key: 'nice@2.1.0' })
    expect(labFramework('ecsf-v1')).toEqual({ id: 'ecsf', version: '1', key: 'ecsf@1' })
  })
})
