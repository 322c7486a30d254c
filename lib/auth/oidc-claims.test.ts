import { describe, expect, test } from 'vitest'
import { trustedOidcEmail } from './oidc-claims'

describe('trustedOidcEmail', () => {
  test('uses only a verified email, normalised', () => {
    expect(trustedOidcEmail({ email: 'Aoi@Example.JP', email_verified: true })).toBe('aoi@example.jp')
    expect(trustedOidcEmail({ email: 'aoi@example.jp', email_verified: 'true' })).toBe('aoi@example.jp')
  })
  test('an unverified or missing verification, or a non-address, is not trusted', () => {
    expect(trustedOidcEmail({ email: 'admin@demo.kenshu.local' })).toBeNull()
    expect(trustedOidcEmail({ email: 'admin@demo.kenshu.local', email_verified: false })).toBeNull()
    expect(trustedOidcEmail({ email: 'admin@demo.kenshu.local', email_verified: 'yes' })).toBeNull()
    expect(trustedOidcEmail({ email: 42, email_verified: true })).toBeNull()
    expect(trustedOidcEmail({ email: 'not-an-address', email_verified: true })).toBeNull()
  })
})
