import 'server-only'
import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import { getDb } from '../db/client'
import { DomainError } from '../errors'
import { audit } from '../auth/audit'
import { loadViewerById } from '../auth/viewer-store'
import type { Permission } from '../auth/rbac'

/**
 * API tokens: how an HR system authenticates to /api/v1 (docs/api.md). A token belongs to an
 * organisation, has a scope (`read` or `write`) and is shown in plaintext exactly once, at creation.
 * The database keeps only its SHA-256 (a lookup key, so there is nothing to compare in constant time:
 * an attacker cannot probe the hash) and the first 8 characters, so people can tell tokens apart.
 *
 * A token acts for the organisation but stays tied to the person who created it: it stops working when
 * that person is disabled or leaves the organisation (and is revoked explicitly in Admin → API tokens).
 */

export const API_TOKEN_SCOPES = ['read', 'write'] as const
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number]

/**
 * What a token may do, independent of its creator's role: read the frameworks and the organisation's
 * roles and career paths; `write` adds editing them. Nothing else (no users, no labs, no readiness data).
 */
export const TOKEN_PERMISSIONS: Record<ApiTokenScope, readonly Permission[]> = {
  read: ['frameworks:read', 'roles:read'],
  write: ['frameworks:read', 'roles:read', 'roles:edit'],
}

const PREFIX = 'ksk_'
/** `ksk_` + 32 random bytes in base64url (43 characters, no padding). */
const TOKEN_PATTERN = /^ksk_[A-Za-z0-9_-]{43}$/

/** lastUsedAt is written at most this often per token: a busy sync job must not turn reads into writes. */
const LAST_USED_RESOLUTION_MS = 60_000

export const CreateApiTokenSchema = z.strictObject({
  name: z.string().trim().min(1, 'Give the token a name').max(80, 'At most 80 characters'),
  scope: z.enum(API_TOKEN_SCOPES),
})
export type CreateApiTokenInput = z.input<typeof CreateApiTokenSchema>

export type ApiTokenSummary = {
  id: string
  name: string
  scope: ApiTokenScope
  /** First 8 characters of the token (`ksk_` + 4), to recognise it. */
  prefix: string
  createdById: string
  createdByName: string | null
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

/** Who is calling, when a request authenticates with a valid token. */
export type ApiTokenPrincipal = {
  tokenId: string
  tokenName: string
  scope: ApiTokenScope
  permissions: readonly Permission[]
  organizationId: string
  organizationName: string
  /** The token's creator: requests are attributed (audit log, role versions) to this user. */
  userId: string
  userEmail: string
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

const isScope = (s: string): s is ApiTokenScope => (API_TOKEN_SCOPES as readonly string[]).includes(s)

/**
 * Creates a token and returns its plaintext. This is the only time the plaintext exists outside the
 * caller's hands: show it once and tell the person to store it in their HR system's secret store.
 */
export async function createApiToken(
  organizationId: string,
  actorId: string,
  input: CreateApiTokenInput,
): Promise<{ token: string; summary: ApiTokenSummary }> {
  const { name, scope } = CreateApiTokenSchema.parse(input)
  const token = PREFIX + randomBytes(32).toString('base64url')
  const row = await getDb().apiToken.create({
    data: {
      organizationId,
      name,
      scope,
      tokenHash: hashApiToken(token),
      prefix: token.slice(0, 8),
      createdById: actorId,
    },
  })
  await audit({
    organizationId,
    actorId,
    action: 'apitoken.create',
    target: row.id,
    detail: `${name} (${scope})`,
  })
  const creator = await getDb().user.findUnique({ where: { id: actorId }, select: { name: true } })
  return {
    token,
    summary: {
      id: row.id,
      name: row.name,
      scope,
      prefix: row.prefix,
      createdById: row.createdById,
      createdByName: creator?.name ?? null,
      createdAt: row.createdAt,
      lastUsedAt: row.lastUsedAt,
      revokedAt: row.revokedAt,
    },
  }
}

/** The organisation's tokens, active first, newest first. Never includes the hash. */
export async function listApiTokens(organizationId: string): Promise<ApiTokenSummary[]> {
  const db = getDb()
  const rows = await db.apiToken.findMany({
    where: { organizationId },
    orderBy: [{ createdAt: 'desc' }],
    select: {
      id: true,
      name: true,
      scope: true,
      prefix: true,
      createdById: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
    },
  })
  const users = await db.user.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.createdById))] } },
    select: { id: true, name: true },
  })
  const names = new Map(users.map((u) => [u.id, u.name]))
  return rows
    .map((r) => ({
      ...r,
      scope: isScope(r.scope) ? r.scope : 'read',
      createdByName: names.get(r.createdById) ?? null,
    }))
    .sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null))
}

/** Revokes a token of the organisation (idempotent for an already revoked one). Revoked tokens fail at once. */
export async function revokeApiToken(
  organizationId: string,
  actorId: string,
  tokenId: string,
): Promise<void> {
  const db = getDb()
  const row = await db.apiToken.findFirst({
    where: { id: tokenId, organizationId },
    select: { id: true, revokedAt: true },
  })
  if (!row) throw new DomainError('NOT_FOUND', 'No such API token')
  if (row.revokedAt) return
  await db.apiToken.updateMany({
    where: { id: tokenId, organizationId, revokedAt: null },
    data: { revokedAt: new Date() },
  })
  await audit({ organizationId, actorId, action: 'apitoken.revoke', target: tokenId })
}

/**
 * The principal for a presented token, or null when it is malformed, unknown, revoked, or its creator
 * is disabled or no longer a member of the token's organisation. Updates lastUsedAt at most once a minute.
 */
export async function verifyApiToken(token: string): Promise<ApiTokenPrincipal | null> {
  if (!TOKEN_PATTERN.test(token)) return null
  const db = getDb()
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    select: {
      id: true,
      name: true,
      scope: true,
      organizationId: true,
      createdById: true,
      revokedAt: true,
      lastUsedAt: true,
    },
  })
  if (!row || row.revokedAt || !isScope(row.scope)) return null
  const creator = await loadViewerById(row.createdById)
  if (!creator || creator.organizationId !== row.organizationId) return null
  const now = Date.now()
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional, so concurrent requests write once; a failure here must not fail the request.
    await db.apiToken
      .updateMany({
        where: {
          id: row.id,
          OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now - LAST_USED_RESOLUTION_MS) } }],
        },
        data: { lastUsedAt: new Date(now) },
      })
      .catch((err: unknown) => console.error('api token: lastUsedAt update failed', err))
  }
  return {
    tokenId: row.id,
    tokenName: row.name,
    scope: row.scope,
    permissions: TOKEN_PERMISSIONS[row.scope],
    organizationId: row.organizationId,
    organizationName: creator.organizationName,
    userId: creator.id,
    userEmail: creator.email,
  }
}
