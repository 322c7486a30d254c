/**
 * The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json. Built from the same zod schemas
 * the handlers validate with (z.toJSONSchema, JSON Schema 2020-12 = OpenAPI 3.1's dialect), so the
 * document cannot drift from the validation. lib/api/openapi.test.ts checks that every method exported
 * by a route file under app/api/v1 is described here and that nothing here lacks a handler. Pure.
 */
import { z } from 'zod'
import { FrameworkSchema, StatementTypeSchema } from '../frameworks/schema'
import { CFPackageSchema } from '../frameworks/case/schema'
import { MAX_UPLOAD_BYTES } from '../frameworks/upload'
import {
  CareerEdgeCreateSchema,
  CareerPathListSchema,
  CareerPathSchema,
  ErrorSchema,
  FrameworkListSchema,
  ImportInfoSchema,
  ImportJsonSchema,
  ImportResultSchema,
  MAX_STATEMENT_LIMIT,
  RoleCreateSchema,
  RoleDetailSchema,
  RoleListSchema,
  RoleUpdateResultSchema,
  RoleUpdateSchema,
  StatementListSchema,
} from './schemas'
import { MAX_JSON_BYTES } from './http'

export const API_VERSION = '1.0.0'

type Method = 'get' | 'post' | 'put' | 'delete'
type Access = 'public' | 'read' | 'write'
type Json = Record<string, unknown>

type Operation = {
  method: Method
  /** OpenAPI path (`{param}`), including the /api/v1 prefix. */
  path: string
  operationId: string
  tag: 'Frameworks' | 'Roles' | 'Career paths' | 'Meta'
  summary: string
  description?: string
  access: Access
  /** Permission of the route rule (lib/auth/routes.ts), for the description. */
  permission?: string
  query?: { name: string; schema: z.ZodType; description?: string }[]
  body?: { schema: string; example?: unknown } | { multipart: true }
  /** status → description and content */
  responses: Record<number, { description: string; schema?: string; content?: Json; headers?: Json }>
}

// Component names ↔ schemas. Requests are converted with io 'input' (defaults optional), responses 'output'.
const REQUEST_SCHEMAS: Record<string, z.ZodType> = {
  RoleCreate: RoleCreateSchema,
  RoleUpdate: RoleUpdateSchema,
  CareerPathCreate: CareerEdgeCreateSchema,
  ImportJson: ImportJsonSchema,
}
const RESPONSE_SCHEMAS: Record<string, z.ZodType> = {
  Error: ErrorSchema,
  FrameworkList: FrameworkListSchema,
  Framework: FrameworkSchema,
  CFPackage: CFPackageSchema,
  StatementList: StatementListSchema,
  RoleList: RoleListSchema,
  RoleDetail: RoleDetailSchema,
  RoleUpdateResult: RoleUpdateResultSchema,
  CareerPath: CareerPathSchema,
  CareerPathList: CareerPathListSchema,
  ImportResult: ImportResultSchema,
  ImportInfo: ImportInfoSchema,
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const jsonContent = (name: string) => ({ 'application/json': { schema: ref(name) } })
const csvContent = {
  'text/csv': { schema: { type: 'string', description: 'UTF-8 with BOM, CRLF line ends' } },
}
const ATTACHMENT_HEADERS = {
  'Content-Disposition': { schema: { type: 'string' }, description: 'attachment; filename=…' },
}
const ATTRIBUTION_HEADERS = {
  'Kenshu-Attribution': {
    schema: { type: 'string' },
    description: 'Percent-encoded attribution text and licence of the framework(s) the content comes from',
  },
  Link: { schema: { type: 'string' }, description: 'rel="license" and rel="cite-as" links, when known' },
}

const ID = {
  frameworkId: 'Framework id (`nice`, `ecsf`, or an organisation’s own)',
  version: 'Framework version',
  roleId: 'Role id',
  edgeId: 'Career step id',
}

const includeArchived = {
  name: 'includeArchived',
  schema: z.enum(['0', '1', 'true', 'false']),
  description: 'Include archived roles',
}

export const OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    operationId: 'getOpenApi',
    tag: 'Meta',
    summary: 'This document',
    access: 'public',
    responses: {
      200: {
        description: 'The OpenAPI 3.1 document',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    },
  },
  {
    method: 'get',
    path: '/api/v1/frameworks',
    operationId: 'listFrameworks',
    tag: 'Frameworks',
    summary: 'Frameworks the organisation can use',
    description:
      'The shipped frameworks (NICE, ECSF) and the organisation’s published standards, each with its attribution.',
    access: 'read',
    permission: 'frameworks:read',
    responses: { 200: { description: 'The frameworks', schema: 'FrameworkList' } },
  },
  {
    method: 'get',
    path: '/api/v1/frameworks/{frameworkId}/{version}',
    operationId: 'getFramework',
    tag: 'Frameworks',
    summary: 'One framework version',
    description:
      '`format=json` (default): the normalized framework. `case`: a 1EdTech CASE 1.1 CFPackage (attachment). ' +
      '`csv`: the upload CSV format (attachment). Attribution is in the body (json, case) or the headers (csv).',
    access: 'read',
    permission: 'frameworks:read',
    query: [{ name: 'format', schema: z.enum(['json', 'case', 'csv']), description: 'Default json' }],
    responses: {
      200: {
        description: 'The framework in the requested format',
        content: {
          'application/json': { schema: { oneOf: [ref('Framework'), ref('CFPackage')] } },
          ...csvContent,
        },
        headers: { ...ATTACHMENT_HEADERS, ...ATTRIBUTION_HEADERS },
      },
      404: { description: 'No such framework version' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/frameworks/{frameworkId}/{version}/statements',
    operationId: 'listStatements',
    tag: 'Frameworks',
    summary: 'Search or list statements',
    description:
      'With `q`: full-text search, best match first. Without: framework order. `total` counts matches before `limit`.',
    access: 'read',
    permission: 'frameworks:read',
    query: [
      { name: 'q', schema: z.string().max(200), description: 'Search terms (all must match; ids match too)' },
      { name: 'type', schema: StatementTypeSchema },
      { name: 'workRole', schema: z.string(), description: 'Only statements of this work role' },
      { name: 'limit', schema: z.number().int().min(1).max(MAX_STATEMENT_LIMIT), description: 'Default 50' },
    ],
    responses: {
      200: { description: 'Matching statements', schema: 'StatementList' },
      404: { description: 'No such framework or work role' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/frameworks/imports',
    operationId: 'getImportInfo',
    tag: 'Frameworks',
    summary: 'Upload limits and fields',
    access: 'write',
    permission: 'roles:edit',
    responses: { 200: { description: 'What the upload accepts', schema: 'ImportInfo' } },
  },
  {
    method: 'post',
    path: '/api/v1/frameworks/imports',
    operationId: 'importStandard',
    tag: 'Frameworks',
    summary: 'Upload a custom skill standard as a draft',
    description:
      `CSV or JSON, at most ${MAX_UPLOAD_BYTES} bytes. A valid file becomes a draft that a person reviews and publishes at ` +
      '`previewUrl` (the API does not publish). An invalid file is a 422 `invalid_file` whose issues carry line and column; nothing is saved.',
    access: 'write',
    permission: 'roles:edit',
    body: { multipart: true },
    responses: {
      201: {
        description: 'Draft saved',
        schema: 'ImportResult',
        headers: { Location: { schema: { type: 'string' } } },
      },
      409: { description: 'The id is a shipped framework’s, or this version is already published' },
      413: { description: 'The file or body is too large' },
      415: { description: 'Neither multipart/form-data nor application/json' },
      422: {
        description:
          '`invalid_file` (issues: line, column, reason) or `invalid` (missing file field, bad JSON envelope)',
      },
    },
  },
  {
    method: 'get',
    path: '/api/v1/roles',
    operationId: 'listRoles',
    tag: 'Roles',
    summary: 'The organisation’s roles',
    access: 'read',
    permission: 'roles:read',
    query: [includeArchived],
    responses: { 200: { description: 'Roles, without requirement lists', schema: 'RoleList' } },
  },
  {
    method: 'post',
    path: '/api/v1/roles',
    operationId: 'createRole',
    tag: 'Roles',
    summary: 'Create a role',
    description:
      'Blank, or from a framework work role (`baselineWorkRoleId`): all its statements at `defaultLevel`.',
    access: 'write',
    permission: 'roles:read + roles:edit',
    body: {
      schema: 'RoleCreate',
      example: {
        title: 'Incident Responder',
        positionLevel: 2,
        framework: { id: 'nice', version: '2.1.0' },
        baselineWorkRoleId: 'PD-WRL-003',
      },
    },
    responses: {
      201: {
        description: 'Created',
        schema: 'RoleDetail',
        headers: { Location: { schema: { type: 'string' } } },
      },
      422: { description: 'Invalid body, unknown framework version or work role' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/roles/export',
    operationId: 'exportRoles',
    tag: 'Roles',
    summary: 'Export all roles and career paths',
    description: '`format=case` (default): CASE 1.1 CFPackage. `csv`: one row per requirement.',
    access: 'read',
    permission: 'roles:read',
    query: [
      { name: 'format', schema: z.enum(['case', 'csv']), description: 'Default case' },
      includeArchived,
    ],
    responses: {
      200: {
        description: 'The export (attachment)',
        content: { 'application/json': { schema: ref('CFPackage') }, ...csvContent },
        headers: { ...ATTACHMENT_HEADERS, ...ATTRIBUTION_HEADERS },
      },
    },
  },
  {
    method: 'get',
    path: '/api/v1/roles/{roleId}',
    operationId: 'getRole',
    tag: 'Roles',
    summary: 'One role with its requirements',
    access: 'read',
    permission: 'roles:read',
    responses: {
      200: { description: 'The role', schema: 'RoleDetail' },
      404: { description: 'No such role' },
    },
  },
  {
    method: 'put',
    path: '/api/v1/roles/{roleId}',
    operationId: 'updateRole',
    tag: 'Roles',
    summary: 'Replace a role’s details and requirements',
    description:
      'The body is the complete desired state: listed statements are added or re-levelled (level 0 drops one), unlisted ones are dropped. ' +
      'Saved as the next version; `expectedVersion` must equal the current version (else 409: re-read and retry).',
    access: 'write',
    permission: 'roles:read + roles:edit',
    body: {
      schema: 'RoleUpdate',
      example: {
        expectedVersion: 1,
        title: 'Incident Responder',
        description: '',
        positionLevel: 2,
        requirements: [{ statementId: 'T0164', level: 3 }],
      },
    },
    responses: {
      200: { description: 'Saved (or unchanged: `changed: false`)', schema: 'RoleUpdateResult' },
      404: { description: 'No such role' },
      409: { description: 'Stale expectedVersion, or the role is archived' },
      422: { description: 'Invalid body or unknown statement ids' },
    },
  },
  {
    method: 'delete',
    path: '/api/v1/roles/{roleId}',
    operationId: 'archiveRole',
    tag: 'Roles',
    summary: 'Archive a role',
    description: 'Roles are never deleted; archiving hides them from lists and new career steps. Idempotent.',
    access: 'write',
    permission: 'roles:read + roles:edit',
    responses: { 204: { description: 'Archived' }, 404: { description: 'No such role' } },
  },
  {
    method: 'get',
    path: '/api/v1/career-paths',
    operationId: 'listCareerPaths',
    tag: 'Career paths',
    summary: 'Career steps with what each asks for',
    access: 'read',
    permission: 'roles:read',
    responses: { 200: { description: 'Every step', schema: 'CareerPathList' } },
  },
  {
    method: 'post',
    path: '/api/v1/career-paths',
    operationId: 'createCareerPath',
    tag: 'Career paths',
    summary: 'Add a career step',
    access: 'write',
    permission: 'roles:read + roles:edit',
    body: { schema: 'CareerPathCreate' },
    responses: {
      201: {
        description: 'Created',
        schema: 'CareerPath',
        headers: { Location: { schema: { type: 'string' } } },
      },
      404: { description: 'A role does not exist or is archived' },
      409: { description: 'The step exists, or would close a cycle' },
      422: { description: 'Invalid body, or a role leading to itself' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/career-paths/{edgeId}',
    operationId: 'getCareerPath',
    tag: 'Career paths',
    summary: 'One career step',
    description: 'Needs roles:edit (a `write` token), like deleting it.',
    access: 'write',
    permission: 'roles:edit',
    responses: {
      200: { description: 'The step', schema: 'CareerPath' },
      404: { description: 'No such step' },
    },
  },
  {
    method: 'delete',
    path: '/api/v1/career-paths/{edgeId}',
    operationId: 'deleteCareerPath',
    tag: 'Career paths',
    summary: 'Remove a career step',
    access: 'write',
    permission: 'roles:edit',
    responses: { 204: { description: 'Removed' }, 404: { description: 'No such step' } },
  },
]

/** JSON Schema for OpenAPI: without the per-document `$schema`/`$id` z.toJSONSchema adds. */
function clean(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema
  return rest
}

function componentSchemas(): Record<string, Json> {
  const out: Record<string, Json> = {}
  for (const [io, table] of [
    ['input', REQUEST_SCHEMAS],
    ['output', RESPONSE_SCHEMAS],
  ] as const) {
    const registry = z.registry<{ id: string }>()
    for (const [id, schema] of Object.entries(table)) registry.add(schema, { id })
    const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}` })
    for (const [id, s] of Object.entries(schemas)) out[id] = clean(s)
  }
  return out
}

const ERROR_RESPONSES: Record<number, string> = {
  400: 'Malformed request (`bad_request`)',
  401: 'No or invalid credentials (`unauthenticated`, `invalid_token`)',
  403: 'The role or token scope lacks the permission (`forbidden`), or a cookie-authenticated write came without this site’s Origin (`bad_origin`)',
  404: 'Not found (`not_found`)',
  409: 'Conflict (`conflict`)',
  413: `Body too large (\`payload_too_large\`): JSON bodies ${MAX_JSON_BYTES} bytes, uploads ${MAX_UPLOAD_BYTES} bytes`,
  415: 'Wrong Content-Type (`unsupported_media_type`)',
  422: 'Validation failed (`invalid`, `invalid_file`); `issues` says where',
}

function pathParams(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: ID[name as keyof typeof ID] ?? name,
  }))
}

function operationObject(op: Operation): Json {
  const responses: Json = {}
  for (const [status, r] of Object.entries(op.responses)) {
    const code = Number(status)
    const content =
      r.content ?? (r.schema ? jsonContent(r.schema) : code >= 400 ? jsonContent('Error') : undefined)
    responses[status] = {
      description: r.description,
      ...(content ? { content } : {}),
      ...(r.headers ? { headers: r.headers } : {}),
    }
  }
  // The errors every operation of its kind can answer, unless described more precisely above.
  const common = [
    ...(op.access !== 'public' ? [401, 403] : []),
    ...(op.query?.length ? [422] : []),
    ...(op.body ? [400, 413, 415, 422] : []),
  ]
  for (const code of common) responses[code] ??= { $ref: `#/components/responses/E${code}` }

  const parameters = [
    ...pathParams(op.path),
    ...(op.query ?? []).map((q) => ({
      name: q.name,
      in: 'query',
      required: false,
      schema: clean(z.toJSONSchema(q.schema, { io: 'input' }) as Json),
      ...(q.description ? { description: q.description } : {}),
    })),
  ]
  let requestBody: Json | undefined
  if (op.body && 'multipart' in op.body) {
    requestBody = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: {
              file: {
                type: 'string',
                contentMediaType: 'application/octet-stream',
                description: 'The CSV or JSON file',
              },
              id: { type: 'string', description: 'Framework id (slug); required for CSV' },
              version: { type: 'string', description: 'Version; required for CSV' },
              title: { type: 'string' },
              publisher: { type: 'string' },
              licence: { type: 'string', description: 'Default "Internal use"' },
              sourceUrl: { type: 'string', format: 'uri' },
            },
          },
        },
        'application/json': { schema: ref('ImportJson') },
      },
    }
  } else if (op.body) {
    requestBody = {
      required: true,
      content: {
        'application/json': {
          schema: ref(op.body.schema),
          ...(op.body.example ? { example: op.body.example } : {}),
        },
      },
    }
  }
  const access =
    op.access === 'public'
      ? 'Public.'
      : op.access === 'read'
        ? `Needs ${op.permission}: any token, or a session whose role has it.`
        : `Needs ${op.permission}: a \`write\` token, or a session whose role has it (cookie writes must send this site’s Origin).`
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, access].filter(Boolean).join('\n\n'),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    security: op.access === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
  }
}

let cached: Json | undefined

/** The whole document (built once per process; it depends on nothing but code). */
export function openApiDocument(): Json {
  if (cached) return cached
  const paths: Record<string, Json> = {}
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op)
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Kenshu HR API',
      version: API_VERSION,
      description:
        'Read and sync skill frameworks, organisation roles and career paths. Authenticate with `Authorization: Bearer ksk_…` ' +
        '(create a token in Admin → API tokens). Every error is `{ error, message?, issues? }`; see docs/api.md.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      {
        name: 'Frameworks',
        description: 'Skill frameworks: NICE, ECSF and the organisation’s own standards',
      },
      { name: 'Roles', description: 'The organisation’s roles and their required statements' },
      { name: 'Career paths', description: 'Steps from one role to the next' },
      { name: 'Meta' },
    ],
    paths,
    components: {
      schemas: componentSchemas(),
      responses: Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([code, description]) => [
          `E${code}`,
          { description, content: jsonContent('Error') },
        ]),
      ),
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'ksk_<43 base64url characters>',
          description: 'An API token from Admin → API tokens. Scope `read` or `write`.',
        },
        cookieAuth: {
          type: 'apiKey',
          in: 'cookie',
          name: 'next-auth.session-token',
          description:
            'The web session (`__Secure-next-auth.session-token` over HTTPS), for Kenshu’s own pages. Writing requests must carry this site’s Origin.',
        },
      },
    },
  }
  return cached
}
