import { requireApi } from '@/lib/auth/session'
import { permissionsOf } from '@/lib/auth/rbac'

export const dynamic = 'force-dynamic'

/** The signed-in person, their role and permissions (for API clients and the terminal page). */
export async function GET() {
  const viewer = await requireApi('/api/me')
  if (viewer instanceof Response) return viewer
  return Response.json({
    id: viewer.id,
    email: viewer.email,
    name: viewer.name,
    role: viewer.role,
    organization: { id: viewer.organizationId, name: viewer.organizationName },
    permissions: permissionsOf(viewer.role),
  })
}
