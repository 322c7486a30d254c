import 'server-only'
import { z } from 'zod'
import { dataDir } from './paths'

/**
 * Server configuration, validated once. Every `process.env` read of the app goes through here so a
 * misconfiguration fails at boot with a clear message instead of deep inside a request.
 */
const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^(postgres(ql)?:\/\/|file:)/.test(v), 'must be a postgres:// URL or file: path'),
  NEXTAUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  NEXTAUTH_URL: z.url().optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).optional(),
  /** Organisation slug SSO users are placed in on first sign-in (as learners). */
  OIDC_DEFAULT_ORG: z.string().min(1).optional(),
  KENSHU_SANDBOX: z.enum(['bwrap', 'off']).optional(),
  /** External LRS to forward xAPI statements to (base of its xAPI endpoint; docs/xapi.md). */
  XAPI_LRS_ENDPOINT: z
    .url()
    .refine((v) => /^https?:\/\//i.test(v), 'must be an http(s) URL')
    .optional(),
  XAPI_LRS_USERNAME: z.string().min(1).optional(),
  XAPI_LRS_PASSWORD: z.string().optional(),
})

export type Env = z.infer<typeof EnvSchema> & { dataDir: string }

let cached: Env | undefined

/** The validated server environment. Throws with every problem listed when it is invalid. */
export function env(): Env {
  if (cached) return cached
  const parsed = EnvSchema.safeParse(process.env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid environment:\n${lines.join('\n')}`)
  }
  cached = { ...parsed.data, dataDir: dataDir() }
  return cached
}

/** OIDC is on only when issuer, client id and secret are all configured. */
export function oidcConfig() {
  const e = env()
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return null
  return { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, name: e.OIDC_NAME ?? 'SSO' }
}
