import { json } from '@/lib/api/http'
import { XAPI_VERSION } from '@/lib/xapi/statement'

export const dynamic = 'force-dynamic'

/** xAPI 1.0.3 About resource: the versions this LRS speaks. Public (the spec requires no auth here). */
export async function GET() {
  return json({ version: [XAPI_VERSION] }, { headers: { 'X-Experience-API-Version': XAPI_VERSION } })
}
