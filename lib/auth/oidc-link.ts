import 'server-only'
import { getDb } from '../db/client'
import { env } from '../env'
import { audit } from './audit'

/**
 * Finds the Kenshu user for an OIDC identity: by `iss|sub` first, then by verified email (linking the
 * identity on first use); otherwise creates a learner in OIDC_DEFAULT_ORG when that is configured.
 * Returns the user id, or null when the person has no account and none may be created.
 */
export async function linkOidcUser(p: { issuer: string; subject: string; email: string | null; name: string | null }) {
  const db = getDb()
  const oidcSubject = `${p.issuer}|${p.subject}`
  const bySubject = await db.user.findUnique({ where: { oidcSubject }, select: { id: true, disabled: true } })
  if (bySubject) return bySubject.disabled ? null : bySubject.id
  if (p.email) {
    const byEmail = await db.user.findUnique({ where: { email: p.email }, select: { id: true, disabled: true } })
    if (byEmail) {
      if (byEmail.disabled) return null
      await db.user.update({ where: { id: byEmail.id }, data: { oidcSubject } })
      return byEmail.id
    }
  }
  const orgSlug = env().OIDC_DEFAULT_ORG
  if (!orgSlug || !p.email) return null
  const org = await db.organization.findUnique({ where: { slug: orgSlug }, select: { id: true } })
  if (!org) return null
  const user = await db.user.create({
    data: {
      email: p.email,
      name: p.name ?? p.email,
      oidcSubject,
      memberships: { create: { organizationId: org.id, role: 'learner' } },
    },
  })
  await audit({ action: 'user.created.sso', organizationId: org.id, target: user.id })
  return user.id
}
