import { describe, expect, test } from 'vitest'
import {
  KENSHU_CASE_NAMESPACE,
  NAMESPACE_URL,
  UUID_PATTERN,
  frameworkDocumentUuid,
  frameworkItemUuid,
  isUuid,
  statementUuid,
  uuidV5,
} from './uuid'

describe('uuidV5', () => {
  test('matches the RFC 4122 / Python uuid5 reference value', () => {
    // uuid.uuid5(uuid.NAMESPACE_DNS, 'www.example.com')
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    )
  })

  test("Kenshu's namespace is reproducible and never changes", () => {
    expect(uuidV5('urn:kenshu:case', NAMESPACE_URL)).toBe(KENSHU_CASE_NAMESPACE)
    // Pinned: changing it would change every identifier ever exported.
    expect(statementUuid('nice', '2.1.0', 'T0001')).toBe('f5348d83-151f-5572-8ce4-a2b8f0213756')
  })

  test('is version 5, RFC variant, lower case, and matches the CASE identifier pattern', () => {
    const id = uuidV5('framework:nice@2.1.0')
    expect(id).toMatch(UUID_PATTERN)
    expect(id[14]).toBe('5')
    expect(isUuid(id)).toBe(true)
    expect(isUuid(id.toUpperCase())).toBe(false)
    expect(isUuid('not-a-uuid')).toBe(false)
  })

  test('is deterministic and name-sensitive (UTF-8 names)', () => {
    expect(uuidV5('a')).toBe(uuidV5('a'))
    expect(uuidV5('a')).not.toBe(uuidV5('b'))
    expect(uuidV5('研修')).toMatch(UUID_PATTERN)
    expect(frameworkDocumentUuid('nice', '2.1.0')).not.toBe(frameworkDocumentUuid('nice', '2.0.0'))
    // Kinds are part of the name: a category and a statement may share an id.
    expect(frameworkItemUuid('x', '1', 'category', 'A')).not.toBe(
      frameworkItemUuid('x', '1', 'statement', 'A'),
    )
    expect(statementUuid('x', '1', 'A')).toBe(frameworkItemUuid('x', '1', 'statement', 'A'))
  })

  test('rejects a malformed namespace', () => {
    expect(() => uuidV5('a', 'nope')).toThrow(TypeError)
  })
})
