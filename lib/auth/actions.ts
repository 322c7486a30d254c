/**
 * The permission each server action requires, by exported function name. Pure.
 * Server actions are public POST endpoints: each one calls `requireAction('<name>')`, which reads this
 * table, so the table is the single source of truth. `lib/auth/actions.test.ts` fails when an exported
 * action in any `app/**\/actions.ts` has no entry, and the e2e authorization test posts every action as
 * every role.
 */
import type { Permission } from './rbac'

export const ACTION_RULES = {
  setLocaleAction: null, // anyone, signed in or not: stores the language choice
  createUserAction: 'users:manage',
  updateMembershipAction: 'users:manage',
  setUserDisabledAction: 'users:manage',
  createInvitationAction: 'users:manage',
  createTeamAction: 'users:manage',
  setTeamMemberAction: 'users:manage',
  removeTeamMemberAction: 'users:manage',
  acceptInvitationAction: null, // authorised by the one-time invitation token itself
  startLabAction: 'lab:use',
  resumeLabAction: 'lab:use',
  resetLabAction: 'lab:use',
  stopLabAction: 'lab:use',
  terminalTicketAction: 'lab:use',
  checkTaskAction: 'lab:use',
  answerTaskAction: 'lab:use',
  choiceTaskAction: 'lab:use',
  reportTaskAction: 'lab:use',
  revealHintAction: 'lab:use',
  createRoleAction: 'roles:edit',
  updateRoleAction: 'roles:edit',
  cloneRoleAction: 'roles:edit',
  archiveRoleAction: 'roles:edit',
  addCareerEdgeAction: 'roles:edit',
  removeCareerEdgeAction: 'roles:edit',
  publishStandardAction: 'roles:edit',
  setStatementTranslationAction: 'roles:edit',
  discardStandardAction: 'roles:edit',
  markLessonReadAction: 'learn:use',
  submitModuleQuizAction: 'learn:use',
  markBriefReadAction: 'brief:use',
  submitBriefingQuizAction: 'brief:use',
  submitTabletopAction: 'brief:use',
  setCareerRolesAction: 'learn:use',
  createApiTokenAction: 'users:manage',
  revokeApiTokenAction: 'users:manage',
  revokeBadgeAction: 'badges:manage',
  assignWorkAction: 'team:assign',
  cancelAssignmentAction: 'team:assign',
  attestAction: 'team:assign',
  // Exercise days (app/(app)/exercises/actions.ts): instructors in their organisation; members in their team.
  createExerciseAction: 'exercise:run',
  moveMemberAction: 'exercise:run',
  openExerciseAction: 'exercise:run',
  pauseExerciseAction: 'exercise:run',
  resumeExerciseAction: 'exercise:run',
  extendExerciseAction: 'exercise:run',
  closeExerciseAction: 'exercise:run',
  sendInjectAction: 'exercise:run',
  joinExerciseAction: 'lab:use',
  exerciseTicketAction: 'lab:use',
  exerciseCheckAction: 'lab:use',
  exerciseAnswerAction: 'lab:use',
  exerciseChoiceAction: 'lab:use',
  saveReportSectionAction: 'lab:use',
  submitTeamReportAction: 'lab:use',
  exerciseHintAction: 'lab:use',
} as const satisfies Record<string, Permission | null>

export type ActionName = keyof typeof ACTION_RULES
