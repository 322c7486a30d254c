'use server'
import { revalidatePath } from 'next/cache'
import { runAction } from '@/lib/http/run-action'
import type { ActionResult } from '@/lib/http/action-result'
import { isDomainError } from '@/lib/errors'
import {
  ArchiveRoleSchema,
  CareerEdgeSchema,
  CloneRoleSchema,
  CreateRoleSchema,
  RemoveCareerEdgeSchema,
  UpdateRoleSchema,
  editsFromDesired,
} from '@/lib/roles/validation'
import {
  addCareerEdge,
  cloneRole,
  createRole,
  getRole,
  removeCareerEdge,
  setRoleArchived,
  updateRole,
} from '@/lib/roles/store'

// Every action: permission from lib/auth/actions.ts (runAction), zod parse, then one store call scoped
// to the viewer's organisation. Domain errors become i18n keys (errors.*) the form shows.

const MESSAGES: Record<string, string> = {
  'This role was changed by someone else; reload to see the new version': 'roleStale',
  'Archived roles cannot be edited; restore it first': 'roleArchived',
  'This step already exists': 'careerDuplicate',
  'This step would make the career path go round in a circle': 'careerCycle',
  'A role cannot lead to itself': 'careerSelf',
  'Unknown framework version': 'unknownFramework',
  'Unknown baseline work role': 'unknownFramework',
}

function domainFailure(err: unknown): ActionResult {
  if (isDomainError(err)) {
    const message = MESSAGES[err.message]
    return {
      ok: false,
      code: err.code === 'FORBIDDEN' ? 'FORBIDDEN' : err.code,
      ...(message ? { message } : {}),
      ...(err.field ? { fieldErrors: { [err.field]: [message ?? 'invalid'] } } : {}),
    }
  }
  throw err
}

function revalidateRoles(roleId?: string) {
  revalidatePath('/roles')
  revalidatePath('/career-paths')
  revalidatePath('/coverage')
  if (roleId) revalidatePath(`/roles/${roleId}`)
}

export async function createRoleAction(formData: FormData) {
  return runAction('createRoleAction', formData, CreateRoleSchema, async (input, viewer) => {
    let id: string
    try {
      ;({ id } = await createRole(viewer.organizationId, viewer.id, {
        title: input.title,
        description: input.description,
        positionLevel: input.positionLevel,
        frameworkId: input.baseline.frameworkId,
        frameworkVersion: input.baseline.frameworkVersion,
        baselineWorkRoleId: input.baseline.workRoleId,
        defaultLevel: input.defaultLevel as 1 | 2 | 3 | 4,
      }))
    } catch (err) {
      return domainFailure(err)
    }
    revalidateRoles()
    return { ok: true, data: { title: input.title, redirect: `/roles/${id}/edit` } }
  })
}

export async function updateRoleAction(formData: FormData) {
  return runAction(
    'updateRoleAction',
    formData,
    UpdateRoleSchema,
    async (input, viewer) => {
      try {
        const current = await getRole(viewer.organizationId, input.roleId)
        if (!current) return { ok: false, code: 'NOT_FOUND' }
        const res = await updateRole(viewer.organizationId, viewer.id, input.roleId, {
          expectedVersion: input.expectedVersion,
          title: input.title,
          description: input.description,
          positionLevel: input.positionLevel,
          edits: editsFromDesired(
            current.requirements.map((r) => r.statementId),
            input.requirements,
          ),
        })
        revalidateRoles(input.roleId)
        return {
          ok: true,
          message: res.changed ? 'roleSaved' : 'roleUnchanged',
          data: { version: String(res.version), redirect: `/roles/${input.roleId}` },
        }
      } catch (err) {
        return domainFailure(err)
      }
    },
    { longFields: { requirements: 200_000 } },
  )
}

export async function cloneRoleAction(formData: FormData) {
  return runAction('cloneRoleAction', formData, CloneRoleSchema, async (input, viewer) => {
    try {
      const { id } = await cloneRole(viewer.organizationId, viewer.id, input.roleId, input.title)
      revalidateRoles()
      return { ok: true, data: { title: input.title, redirect: `/roles/${id}` } }
    } catch (err) {
      return domainFailure(err)
    }
  })
}

export async function archiveRoleAction(formData: FormData) {
  return runAction('archiveRoleAction', formData, ArchiveRoleSchema, async (input, viewer) => {
    try {
      await setRoleArchived(viewer.organizationId, viewer.id, input.roleId, input.archived === 'true')
    } catch (err) {
      return domainFailure(err)
    }
    revalidateRoles(input.roleId)
    return { ok: true }
  })
}

export async function addCareerEdgeAction(formData: FormData) {
  return runAction('addCareerEdgeAction', formData, CareerEdgeSchema, async (input, viewer) => {
    try {
      await addCareerEdge(viewer.organizationId, viewer.id, input)
    } catch (err) {
      return domainFailure(err)
    }
    revalidateRoles()
    return { ok: true }
  })
}

export async function removeCareerEdgeAction(formData: FormData) {
  return runAction('removeCareerEdgeAction', formData, RemoveCareerEdgeSchema, async (input, viewer) => {
    try {
      await removeCareerEdge(viewer.organizationId, viewer.id, input.edgeId)
    } catch (err) {
      return domainFailure(err)
    }
    revalidateRoles()
    return { ok: true }
  })
}
