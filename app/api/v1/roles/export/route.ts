import { withRequest } from '@/lib/auth/session'
import { apiHandler, attachment, queryOf, validate } from '@/lib/api/http'
import { attributionHeaders, caseBaseUri, exportRoles } from '@/lib/api/present'
import { IncludeArchivedQuerySchema, RolesExportFormatSchema } from '@/lib/api/schemas'

export const dynamic = 'force-dynamic'

const Query = IncludeArchivedQuerySchema.extend({ format: RolesExportFormatSchema.optional() })

/**
 * All roles and career paths of the organisation: `format=case` (default) a CASE 1.1 CFPackage whose
 * requirements link into the frameworks' CASE exports, `csv` one row per requirement. The frameworks'
 * attribution is in the Kenshu-Attribution and Link headers (statement texts are theirs).
 */
export const GET = apiHandler(async (request) => {
  const viewer = await withRequest(request).requireApi('/api/v1/roles/export')
  if (viewer instanceof Response) return viewer
  const query = validate(Query, queryOf(request), ['query'])
  if (!query.ok) return query.response
  const format = query.data.format ?? 'case'
  const includeArchived = query.data.includeArchived === '1' || query.data.includeArchived === 'true'
  const { body, attributions } = await exportRoles(
    { id: viewer.organizationId, name: viewer.organizationName },
    { format, includeArchived, baseUri: caseBaseUri(request) },
  )
  return new Response(body, {
    headers: {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
      'Content-Disposition': attachment(format === 'csv' ? 'roles.csv' : 'roles.case.json'),
      ...attributionHeaders(attributions),
    },
  })
})
