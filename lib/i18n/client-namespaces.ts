/**
 * Message namespaces client components translate with (forms, the lab player, the role editor,
 * uploads, quizzes, tabletops). Server components read every namespace on the server; only these travel
 * to the browser. `client-namespaces.test.ts` fails when a client component uses a namespace not listed.
 */
export const CLIENT_NAMESPACES = [
  'common',
  'errors',
  'error',
  'frameworks',
  'labs',
  'orgRoles',
  'signin',
  'standards',
  'locale',
  'settings',
  'admin',
  'apiTokens',
  'invite',
  'content',
  'badges',
  'assignments',
  'exercises',
] as const
