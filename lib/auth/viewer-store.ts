import 'server-only'
import { getDb } from '../db/client'
import { isRole, type Role } from './rbac'

export type ViewerRecord = {
  id: string
  email: string
  name: string
  locale: string | null
  role: Role
  organizationId: string
  organizationName: string
}

/**
 * The user and their organisation role, straight from the database. Null when the user does not
 * exist, is disabled, or has no valid membership. Used by pages (via getViewer) and the WebSocket gateway.
 */
export async function loadViewerById(userId: string): Promise<ViewerRecord | null> {
  const user = await getDb().user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      locale: true,
      disabled: true,
      memberships: {
        select: { role: true, organizationId: true, organization: { select: { name: true } } },
        orderBy: { createdAt: 'asc' },
        take: 1,
      },
    },
  })
  const m = user?.memberships[0]
  if (!user || user.disabled || !m || !isRole(m.role)) return null
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    locale: user.locale,
    role: m.role,
    organizationId: m.organizationId,
    organizationName: m.organization.name,
  }
}
