import { systemHealth } from '@/lib/system/health'

export const dynamic = 'force-dynamic'

/** Liveness/readiness for operators and load balancers. Public: reveals no secrets or paths. */
export async function GET() {
  const health = await systemHealth()
  return Response.json(health, { status: health.database.reachable ? 200 : 503, headers: { 'Cache-Control': 'no-store' } })
}
