/** Input schemas for organisation administration. Pure: used by server actions and tests. */
import { z } from 'zod'
import { ROLES } from '../auth/rbac'
import { PASSWORD_MAX, PASSWORD_MIN } from '../auth/password'

// Messages are i18n keys under `errors.*`.
export const EmailSchema = z.string().trim().toLowerCase().max(254, 'tooLong').email('email')
export const NameSchema = z.string().trim().min(1, 'required').max(100, 'tooLong')
export const RoleSchema = z.enum(ROLES, { error: 'role' })
export const IdSchema = z.string().min(1).max(40).regex(/^[a-z0-9]+$/i, 'invalid')
export const PasswordSchema = z.string().min(PASSWORD_MIN, 'passwordTooShort').max(PASSWORD_MAX, 'passwordTooLong')

export const CreateUserSchema = z.object({
  email: EmailSchema,
  name: NameSchema,
  role: RoleSchema,
  password: PasswordSchema,
  teamId: z.union([IdSchema, z.literal('')]).optional(),
})

export const UpdateMembershipSchema = z.object({ userId: IdSchema, role: RoleSchema })
export const SetDisabledSchema = z.object({ userId: IdSchema, disabled: z.enum(['true', 'false']) })
export const InvitationSchema = z.object({ email: EmailSchema, role: RoleSchema })
export const TeamSchema = z.object({ name: NameSchema })
export const TeamMemberSchema = z.object({ teamId: IdSchema, userId: IdSchema, isLead: z.enum(['true', 'false']).optional() })
export const RemoveTeamMemberSchema = z.object({ teamId: IdSchema, userId: IdSchema })
export const AcceptInvitationSchema = z.object({
  token: z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, 'invalid'),
  name: NameSchema,
  password: PasswordSchema,
})
