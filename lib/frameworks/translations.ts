import 'server-only'
import { getDb } from '../db/client'
import { DomainError } from '../errors'
import { audit } from '../auth/audit'
import { resolveFramework } from './registry'

/**
 * Organisation translations of statement text. The framework's own text stays the source of truth
 * (and is what exports carry); a translation is shown beside it, marked as the organisation's.
 */
export const TRANSLATION_LOCALES = ['ja', 'en'] as const
export type TranslationLocale = (typeof TRANSLATION_LOCALES)[number]

export async function translationsFor(
  organizationId: string,
  frameworkKey: string,
  locale: string,
): Promise<Map<string, string>> {
  const at = frameworkKey.lastIndexOf('@')
  const rows = await getDb().statementTranslation.findMany({
    where: {
      organizationId,
      frameworkId: frameworkKey.slice(0, at),
      frameworkVersion: frameworkKey.slice(at + 1),
      locale,
    },
    select: { statementId: true, text: true },
  })
  return new Map(rows.map((r) => [r.statementId, r.text]))
}

/** Sets (or, with empty text, removes) the organisation's translation of one statement. */
export async function setTranslation(
  organizationId: string,
  actorId: string,
  input: {
    frameworkId: string
    frameworkVersion: string
    statementId: string
    locale: TranslationLocale
    text: string
  },
): Promise<void> {
  const fw = await resolveFramework(organizationId, input.frameworkId, input.frameworkVersion)
  if (!fw || !fw.statements.has(input.statementId)) throw new DomainError('NOT_FOUND', 'No such statement')
  const key = {
    organizationId,
    frameworkId: input.frameworkId,
    frameworkVersion: input.frameworkVersion,
    statementId: input.statementId,
    locale: input.locale,
  }
  const db = getDb()
  if (!input.text.trim()) await db.statementTranslation.deleteMany({ where: key })
  else
    await db.statementTranslation.upsert({
      where: { organizationId_frameworkId_frameworkVersion_statementId_locale: key },
      create: { ...key, text: input.text.trim(), updatedById: actorId },
      update: { text: input.text.trim(), updatedById: actorId },
    })
  await audit({
    organizationId,
    actorId,
    action: 'statement.translate',
    target: `${input.frameworkId}@${input.frameworkVersion}:${input.statementId}:${input.locale}`,
  })
}
