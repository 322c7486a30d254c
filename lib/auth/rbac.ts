/**
 * The permission table: the one place that says which role may do what. Pure, so pages, server
 * actions, route handlers, the WebSocket gateway and the tests all read the same table.
 * Roles are scoped to an organisation (a Membership row); see docs/decisions/003-permissions.md.
 */
export const ROLES = ['learner', 'executive', 'manager', 'hr', 'instructor', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const PERMISSIONS = [
  'home:learner', // engineer's home: labs, curricula, my progress
  'home:executive', // briefings and tabletop exercises
  'home:manager', // my teams' readiness
  'home:hr', // organisation readiness, role requirements
  'home:admin', // administration
  'home:instructor', // exercises one runs (CYDER days)
  'learn:use', // take curricula and quizzes
  'lab:use', // start lab sessions, open the terminal WebSocket
  'brief:use', // take executive briefings
  'profile:edit', // own settings (language)
  'team:view', // progress of teams one leads
  'team:assign', // assign work to members of teams one leads
  'roles:read', // read org role requirements and career paths
  'roles:edit', // define role requirements, career paths, custom frameworks
  'org:readiness', // organisation-wide readiness and exports
  'users:manage', // create/invite users, assign roles and teams
  'frameworks:read', // browse and search the skill standards
  'badges:manage', // list the organisation's issued Open Badges and revoke them
  'exercise:run', // schedule, open, watch, inject into, close and debrief the organisation's team exercises
] as const
export type Permission = (typeof PERMISSIONS)[number]

const LEARNER: Permission[] = [
  'home:learner',
  'learn:use',
  'lab:use',
  'profile:edit',
  'frameworks:read',
  'roles:read',
]

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  learner: new Set(LEARNER),
  // Executives can also open the engineers' material, but their home is the briefings.
  executive: new Set<Permission>([
    'home:executive',
    'brief:use',
    'learn:use',
    'profile:edit',
    'roles:read',
    'frameworks:read',
  ]),
  manager: new Set<Permission>([...LEARNER, 'home:manager', 'brief:use', 'team:view', 'team:assign']),
  hr: new Set<Permission>([
    'home:hr',
    'learn:use',
    'brief:use',
    'profile:edit',
    'roles:read',
    'roles:edit',
    'org:readiness',
    'frameworks:read',
    'badges:manage',
  ]),
  // Facilitator of exercise days (CYDER): runs the organisation's exercises; also a learner, to try
  // a scenario before the day.
  instructor: new Set<Permission>([...LEARNER, 'home:instructor', 'exercise:run', 'brief:use']),
  admin: new Set<Permission>(PERMISSIONS),
}

/** Whether `role` holds `permission`. Unknown roles (e.g. a corrupted row) hold nothing. */
export function can(role: string | null | undefined, permission: Permission): boolean {
  if (!isRole(role)) return false
  return GRANTS[role].has(permission)
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => GRANTS[role].has(p))
}

/** Where each role lands after signing in. */
export const HOME_OF: Record<Role, string> = {
  learner: '/learn',
  executive: '/exec',
  manager: '/team',
  hr: '/hr',
  instructor: '/exercises',
  admin: '/admin',
}
