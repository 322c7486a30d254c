import { withRequest } from '@/lib/auth/session'
import { apiError, apiHandler, json, queryOf, validate } from '@/lib/api/http'
import { StatementsQuerySchema } from '@/lib/api/schemas'
import { resolveFramework } from '@/lib/frameworks/registry'
import { getRoleStatements, getRolesForStatement, searchStatements } from '@/lib/frameworks/catalog'
import { FrameworkIdSchema, FrameworkVersionSchema, type Statement } from '@/lib/frameworks/schema'

export const dynamic = 'force-dynamic'

const DEFAULT_LIMIT = 50

/**
 * Statements of a framework version: full-text search with `q` (best match first), otherwise the
 * framework's order; narrowed by `type` and `workRole`. `total` counts matches before `limit`.
 */
export const GET = apiHandler(
  async (request, ctx: { params: Promise<{ frameworkId: string; version: string }> }) => {
    const guard = withRequest(request)
    const viewer = await guard.requireApi('/api/v1/frameworks/[frameworkId]/[version]/statements')
    if (viewer instanceof Response) return viewer
    const { frameworkId, version } = await ctx.params
    const query = validate(StatementsQuerySchema, queryOf(request), ['query'])
    if (!query.ok) return query.response
    const { q, type, workRole, limit = DEFAULT_LIMIT } = query.data
    const index =
      FrameworkIdSchema.safeParse(frameworkId).success && FrameworkVersionSchema.safeParse(version).success
        ? await resolveFramework(viewer.organizationId, frameworkId, version)
        : undefined
    if (!index) return apiError(404, 'not_found', `No framework ${frameworkId}@${version}`)

    let pool: ReadonlyArray<Statement> = index.framework.statements
    if (workRole !== undefined) {
      const ofRole = getRoleStatements(index, workRole)
      if (!ofRole) return apiError(404, 'not_found', `No work role ${workRole} in ${index.key}`)
      pool = ofRole
    }
    const inPool = workRole !== undefined ? new Set(pool.map((s) => s.id)) : null
    const keep = (s: Statement) =>
      (type === undefined || s.type === type) && (inPool === null || inPool.has(s.id))
    let matches: Statement[]
    if (q !== undefined && q.trim() !== '') {
      // Search everything that passes the filters, then cut: `total` must not depend on the limit.
      matches = searchStatements(index, q, { filter: keep, limit: index.framework.statements.length }).map(
        (h) => h.item,
      )
    } else {
      matches = pool.filter(keep)
    }
    return json({
      framework: { key: index.key, attribution: index.framework.attribution },
      total: matches.length,
      items: matches.slice(0, limit).map((s) => ({
        id: s.id,
        type: s.type,
        text: s.text,
        workRoleIds: getRolesForStatement(index, s.id).map((r) => r.id),
      })),
    })
  },
)
