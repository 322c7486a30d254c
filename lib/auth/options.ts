import 'server-only'
import { trustedOidcEmail } from './oidc-claims'
import type { NextAuthOptions } from 'next-auth'
import CredentialsProvider from 'next-auth/providers/credentials'
import { z } from 'zod'
import { getDb } from '../db/client'
import { oidcConfig, env } from '../env'
import { verifyPassword } from './password'
import { clearSignInFailures, recordSignInFailure, signInLocked } from './throttle-store'
import { audit } from './audit'

/** The header the custom server sets from the socket address (any client-sent value is dropped). */
export { CLIENT_ADDRESS_HEADER } from '../../server/constants'
import { CLIENT_ADDRESS_HEADER } from '../../server/constants'

const CredentialsSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).email(),
  password: z.string().min(1).max(256),
})

/** Error codes thrown to next-auth; the sign-in page maps them to translated messages. */
export const SIGNIN_ERRORS = { invalid: 'CredentialsSignin', locked: 'Locked' } as const

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined
  const v = (headers as Record<string, unknown>)[name]
  return typeof v === 'string' ? v : undefined
}

export function authOptions(): NextAuthOptions {
  const oidc = oidcConfig()
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email',
        credentials: { email: { type: 'email' }, password: { type: 'password' } },
        async authorize(raw, req) {
          const parsed = CredentialsSchema.safeParse(raw)
          // Same answer for malformed input, unknown email and wrong password: no enumeration.
          if (!parsed.success) throw new Error(SIGNIN_ERRORS.invalid)
          const { email, password } = parsed.data
          const address = headerOf(req?.headers, CLIENT_ADDRESS_HEADER)
          if (await signInLocked(email, address)) {
            // Still spend a password check so a locked account answers in the same time.
            await verifyPassword(password, null)
            throw new Error(SIGNIN_ERRORS.locked)
          }
          const user = await getDb().user.findUnique({
            where: { email },
            select: { id: true, email: true, name: true, passwordHash: true, disabled: true },
          })
          const ok = await verifyPassword(password, user?.passwordHash)
          if (!user || !ok || user.disabled) {
            const locked = await recordSignInFailure(email, address)
            if (locked) await audit({ action: 'signin.locked', target: email, detail: address ?? null })
            throw new Error(locked ? SIGNIN_ERRORS.locked : SIGNIN_ERRORS.invalid)
          }
          await clearSignInFailures(email)
          return { id: user.id, email: user.email, name: user.name }
        },
      }),
      ...(oidc
        ? [
            {
              id: 'oidc',
              name: oidc.name,
              type: 'oauth' as const,
              wellKnown: `${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
              clientId: oidc.clientId,
              clientSecret: oidc.clientSecret,
              authorization: { params: { scope: 'openid email profile' } },
              idToken: true,
              checks: ['pkce' as const, 'state' as const],
              profile(p: Record<string, unknown>) {
                return {
                  id: String(p.sub),
                  // Only a verified address links or creates an account (lib/auth/oidc-claims.ts).
                  email: trustedOidcEmail(p),
                  name: typeof p.name === 'string' ? p.name : typeof p.email === 'string' ? p.email : String(p.sub),
                }
              },
            },
          ]
        : []),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== 'oidc') return true
        const { linkOidcUser } = await import('./oidc-link')
        const linked = await linkOidcUser({
          issuer: oidc?.issuer ?? '',
          subject: account.providerAccountId,
          email: user.email ?? null,
          name: user.name ?? null,
        })
        if (!linked) return '/signin?error=NoAccount'
        user.id = linked
        return true
      },
      // The token carries only the user id. Role and organisation are read from the database on
      // every request (lib/auth/session.ts), so a role change applies at once and nothing in the
      // cookie can grant a permission.
      jwt({ token, user }) {
        if (user) token.sub = user.id
        return token
      },
      session({ session, token }) {
        return { ...session, userId: token.sub }
      },
    },
  }
}
