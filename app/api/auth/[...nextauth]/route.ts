import NextAuth from 'next-auth'
import { authOptions } from '@/lib/auth/options'

// next-auth's own endpoints (sign-in, sign-out, CSRF token, session). Public by design: they carry
// their own CSRF protection; credentials are checked and throttled in lib/auth/options.ts.
async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return (NextAuth(authOptions()) as (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>)(req, ctx)
}

export { handler as GET, handler as POST }
