'use server'
import { revalidatePath } from 'next/cache'
import { headers } from 'next/headers'
import { runAction } from '@/lib/http/run-action'
import type { ActionResult } from '@/lib/http/action-result'
import { isDomainError } from '@/lib/errors'
import {
  CreateUserSchema,
  InvitationSchema,
  RemoveTeamMemberSchema,
  SetDisabledSchema,
  TeamMemberSchema,
  TeamSchema,
  UpdateMembershipSchema,
} from '@/lib/org/validation'
import {
  createInvitation,
  createTeam,
  createUser,
  removeTeamMember,
  setDisabled,
  setTeamMember,
  updateRole,
} from '@/lib/org/queries'
import { z } from 'zod'
import { API_TOKEN_SCOPES, createApiToken, revokeApiToken } from '@/lib/api/tokens'
import { IdSchema } from '@/lib/org/validation'

// Every action: permission from lib/auth/actions.ts (runAction), zod parse, then one domain call that
// scopes every read and write to the viewer's organisation. The organisation never comes from the form.

function domainFailure(err: unknown, messages: Partial<Record<string, string>> = {}): ActionResult {
  if (isDomainError(err)) {
    const message = messages[err.message] ?? undefined
    return {
      ok: false,
      code: err.code === 'FORBIDDEN' ? 'FORBIDDEN' : err.code,
      ...(message ? { message } : {}),
    }
  }
  throw err
}

const CONFLICTS = {
  'A user with this email already exists': 'conflictEmail',
  'A team with this name exists': 'conflictTeam',
  'The organisation must keep at least one administrator': 'lastAdmin',
  'You cannot disable your own account': 'selfDisable',
}

export async function createUserAction(formData: FormData) {
  return runAction('createUserAction', formData, CreateUserSchema, async (input, viewer) => {
    try {
      await createUser(viewer.organizationId, viewer.id, { ...input, teamId: input.teamId || undefined })
    } catch (err) {
      return domainFailure(err, CONFLICTS)
    }
    revalidatePath('/admin/users')
    return { ok: true, data: { email: input.email } }
  })
}

export async function updateMembershipAction(formData: FormData) {
  return runAction('updateMembershipAction', formData, UpdateMembershipSchema, async (input, viewer) => {
    try {
      await updateRole(viewer.organizationId, viewer.id, input.userId, input.role)
    } catch (err) {
      return domainFailure(err, CONFLICTS)
    }
    revalidatePath('/admin/users')
    return { ok: true }
  })
}

export async function setUserDisabledAction(formData: FormData) {
  return runAction('setUserDisabledAction', formData, SetDisabledSchema, async (input, viewer) => {
    try {
      await setDisabled(viewer.organizationId, viewer.id, input.userId, input.disabled === 'true')
    } catch (err) {
      return domainFailure(err, CONFLICTS)
    }
    revalidatePath('/admin/users')
    return { ok: true }
  })
}

export async function createInvitationAction(formData: FormData) {
  return runAction('createInvitationAction', formData, InvitationSchema, async (input, viewer) => {
    let token: string
    try {
      token = await createInvitation(viewer.organizationId, viewer.id, input.email, input.role)
    } catch (err) {
      return domainFailure(err, CONFLICTS)
    }
    const h = await headers()
    const host = h.get('host') ?? 'localhost:3000'
    const proto = h.get('x-forwarded-proto') ?? 'http'
    revalidatePath('/admin/users')
    return { ok: true, data: { email: input.email, link: `${proto}://${host}/invite/${token}` } }
  })
}

export async function createTeamAction(formData: FormData) {
  return runAction('createTeamAction', formData, TeamSchema, async (input, viewer) => {
    try {
      await createTeam(viewer.organizationId, viewer.id, input.name)
    } catch (err) {
      return domainFailure(err, CONFLICTS)
    }
    revalidatePath('/admin/teams')
    return { ok: true }
  })
}

export async function setTeamMemberAction(formData: FormData) {
  return runAction('setTeamMemberAction', formData, TeamMemberSchema, async (input, viewer) => {
    try {
      await setTeamMember(
        viewer.organizationId,
        viewer.id,
        input.teamId,
        input.userId,
        input.isLead === 'true',
      )
    } catch (err) {
      return domainFailure(err, CONFLICTS)
    }
    revalidatePath('/admin/teams')
    revalidatePath('/admin/users')
    return { ok: true }
  })
}

export async function removeTeamMemberAction(formData: FormData) {
  return runAction('removeTeamMemberAction', formData, RemoveTeamMemberSchema, async (input, viewer) => {
    try {
      await removeTeamMember(viewer.organizationId, viewer.id, input.teamId, input.userId)
    } catch (err) {
      return domainFailure(err, CONFLICTS)
    }
    revalidatePath('/admin/teams')
    return { ok: true }
  })
}

const ApiTokenFormSchema = z.object({
  name: z.string().trim().min(1, 'required').max(80, 'tooLong'),
  scope: z.enum(API_TOKEN_SCOPES, { error: 'invalid' }),
})

export async function createApiTokenAction(formData: FormData) {
  return runAction('createApiTokenAction', formData, ApiTokenFormSchema, async (input, viewer) => {
    const { token } = await createApiToken(viewer.organizationId, viewer.id, input)
    revalidatePath('/admin/api-tokens')
    // Shown once in the form's success message; only its hash is stored.
    return { ok: true, data: { token } }
  })
}

export async function revokeApiTokenAction(formData: FormData) {
  return runAction(
    'revokeApiTokenAction',
    formData,
    z.object({ tokenId: IdSchema }),
    async (input, viewer) => {
      try {
        await revokeApiToken(viewer.organizationId, viewer.id, input.tokenId)
      } catch (err) {
        return domainFailure(err)
      }
      revalidatePath('/admin/api-tokens')
      return { ok: true }
    },
  )
}
