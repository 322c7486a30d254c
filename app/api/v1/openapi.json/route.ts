import { apiHandler, json } from '@/lib/api/http'
import { openApiDocument } from '@/lib/api/openapi'

export const dynamic = 'force-dynamic'

/** The OpenAPI 3.1 description of /api/v1. Public: it describes the API, not any organisation's data. */
export const GET = apiHandler(async () => json(openApiDocument()))
