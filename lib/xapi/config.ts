import 'server-only'
import { env } from '../env'

/** Where an external LRS is, when statements are forwarded (XAPI_LRS_* in the environment). */
export type LrsConfig = { endpoint: string; username?: string; password?: string }

/** The configured external LRS, or null when forwarding is off (XAPI_LRS_ENDPOINT unset). */
export function lrsConfig(): LrsConfig | null {
  const e = env()
  if (!e.XAPI_LRS_ENDPOINT) return null
  return {
    endpoint: e.XAPI_LRS_ENDPOINT.replace(/\/+$/, ''),
    ...(e.XAPI_LRS_USERNAME !== undefined ? { username: e.XAPI_LRS_USERNAME } : {}),
    ...(e.XAPI_LRS_PASSWORD !== undefined ? { password: e.XAPI_LRS_PASSWORD } : {}),
  }
}

/**
 * The site origin used in activity IRIs and actor accounts: the configured public URL (NEXTAUTH_URL,
 * which the custom server always sets), so IRIs do not depend on the host name a request used.
 */
export function xapiBaseUrl(): string {
  const configured = env().NEXTAUTH_URL
  return configured ? new URL(configured).origin : 'http://localhost:3000'
}
