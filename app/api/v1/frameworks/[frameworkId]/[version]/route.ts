import { withRequest } from '@/lib/auth/session'
import { apiError, apiHandler, attachment, json, queryOf, validate } from '@/lib/api/http'
import { attributionHeaders, caseBaseUri, frameworkCase, frameworkChangeTime } from '@/lib/api/present'
import { FrameworkFormatSchema } from '@/lib/api/schemas'
import { resolveFramework } from '@/lib/frameworks/registry'
import { FrameworkIdSchema, FrameworkVersionSchema } from '@/lib/frameworks/schema'
import { frameworkToCsv } from '@/lib/frameworks/upload'
import { z } from 'zod'

export const dynamic = 'force-dynamic'

const Query = z.object({ format: FrameworkFormatSchema.optional() })

/**
 * One framework version: `format=json` (default) the normalized framework, `case` a CASE 1.1
 * CFPackage, `csv` the upload format (so a standard can be edited in a spreadsheet and uploaded again).
 * Attribution travels with every format: in the JSON and the CASE document (notes and extensions), and
 * for CSV, which has no place for it, in the Kenshu-Attribution and Link headers.
 */
export const GET = apiHandler(
  async (request, ctx: { params: Promise<{ frameworkId: string; version: string }> }) => {
    const viewer = await withRequest(request).requireApi('/api/v1/frameworks/[frameworkId]/[version]')
    if (viewer instanceof Response) return viewer
    const { frameworkId, version } = await ctx.params
    const query = validate(Query, queryOf(request), ['query'])
    if (!query.ok) return query.response
    const format = query.data.format ?? 'json'
    const index =
      FrameworkIdSchema.safeParse(frameworkId).success && FrameworkVersionSchema.safeParse(version).success
        ? await resolveFramework(viewer.organizationId, frameworkId, version)
        : undefined
    if (!index) return apiError(404, 'not_found', `No framework ${frameworkId}@${version}`)
    const fw = index.framework
    const base = `${fw.id}-${fw.version}`
    if (format === 'json') return json(fw)
    if (format === 'case') {
      const pkg = frameworkCase(
        fw,
        caseBaseUri(request),
        await frameworkChangeTime(viewer.organizationId, index),
      )
      return json(pkg, { headers: { 'Content-Disposition': attachment(`${base}.case.json`) } })
    }
    return new Response(frameworkToCsv(fw), {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': attachment(`${base}.csv`),
        ...attributionHeaders([fw.attribution]),
      },
    })
  },
)
