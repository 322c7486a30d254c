import { createHash } from 'node:crypto'
import { withRequest } from '@/lib/auth/session'
import { apiError, apiHandler, json, mediaType, readBodyLimited, tooLarge, validate } from '@/lib/api/http'
import { ImportJsonSchema } from '@/lib/api/schemas'
import { saveDraft } from '@/lib/frameworks/registry'
import { MAX_UPLOAD_BYTES, parseStandardUpload, type StandardMeta } from '@/lib/frameworks/upload'

export const dynamic = 'force-dynamic'

/** Room for the multipart envelope and the meta fields around a file of MAX_UPLOAD_BYTES. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
const META_FIELDS = ['id', 'version', 'title', 'publisher', 'licence', 'sourceUrl'] as const

/** What the upload accepts, so a client can check before sending (and the route answers GET). */
export const GET = apiHandler(async (request) => {
  const viewer = await withRequest(request).requireApi('/api/v1/frameworks/imports')
  if (viewer instanceof Response) return viewer
  return json({
    maxBytes: MAX_UPLOAD_BYTES,
    formats: ['csv', 'json'],
    fields: ['file', ...META_FIELDS],
    documentation: 'docs/custom-standards.md',
  })
})

type Upload = { bytes: Uint8Array; fileName: string; meta: Partial<StandardMeta> }

/**
 * Uploads a custom skill standard (CSV or JSON; multipart `file` + meta fields, or the JSON envelope
 * of ImportJsonSchema). A valid file becomes a draft that a person reviews and publishes at previewUrl;
 * an invalid one is a 422 listing every problem with line and column, and nothing is written.
 * The size limit is enforced before and while reading, never after buffering an unbounded body.
 */
export const POST = apiHandler(async (request) => {
  const viewer = await withRequest(request, { write: true }).requireApi('/api/v1/frameworks/imports')
  if (viewer instanceof Response) return viewer
  const type = mediaType(request)
  if (type !== 'multipart/form-data' && type !== 'application/json')
    return apiError(
      415,
      'unsupported_media_type',
      'Send multipart/form-data (field "file") or application/json',
    )
  const body = await readBodyLimited(request, MAX_BODY_BYTES)
  if (!body) return tooLarge(MAX_UPLOAD_BYTES)

  const upload = type === 'multipart/form-data' ? await fromMultipart(request, body) : fromJson(body)
  if (upload instanceof Response) return upload
  if (upload.bytes.byteLength > MAX_UPLOAD_BYTES) return tooLarge(MAX_UPLOAD_BYTES)

  const parsed = parseStandardUpload(upload.bytes, upload.fileName, upload.meta)
  if (!parsed.ok)
    return apiError(422, 'invalid_file', 'The file has problems; nothing was saved', {
      issues: parsed.errors,
    })
  const sha256 = createHash('sha256').update(upload.bytes).digest('hex')
  const draft = await saveDraft(viewer.organizationId, viewer.id, {
    framework: parsed.framework,
    sha256,
    sourceFileName: upload.fileName,
    // Flat: the draft preview page (app/(app)/frameworks/import/[draftId]) reads format, encoding, warnings.
    summary: { ...parsed.preview, warnings: parsed.warnings },
  })
  const previewUrl = `/frameworks/import/${draft.id}`
  return json(
    {
      draftId: draft.id,
      key: `${parsed.framework.id}@${parsed.framework.version}`,
      preview: parsed.preview,
      warnings: parsed.warnings,
      previewUrl,
    },
    { status: 201, headers: { Location: previewUrl } },
  )
})

async function fromMultipart(request: Request, body: Uint8Array): Promise<Upload | Response> {
  let form: FormData
  try {
    // The body is already read (and bounded); parse it from memory.
    form = await new Response(body as BodyInit, {
      headers: { 'Content-Type': request.headers.get('content-type') ?? '' },
    }).formData()
  } catch {
    return apiError(400, 'bad_request', 'The multipart body cannot be read')
  }
  const file = form.get('file')
  if (!file || typeof file === 'string')
    return apiError(422, 'invalid', 'Attach the standard as the "file" field', {
      issues: [{ path: '$.file', message: 'a file is required' }],
    })
  const meta: Partial<StandardMeta> = {}
  for (const key of META_FIELDS) {
    const value = form.get(key)
    if (typeof value === 'string' && value.trim() !== '') meta[key] = value
  }
  return { bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name || 'upload', meta }
}

function fromJson(body: Uint8Array): Upload | Response {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
  } catch {
    return apiError(400, 'bad_request', 'The body is not valid UTF-8 JSON')
  }
  const parsed = validate(ImportJsonSchema, value)
  if (!parsed.ok) return parsed.response
  const { fileName, content, contentEncoding, ...rest } = parsed.data
  const meta: Partial<StandardMeta> = {}
  for (const key of META_FIELDS) if (rest[key] !== undefined && rest[key].trim() !== '') meta[key] = rest[key]
  const bytes =
    contentEncoding === 'base64'
      ? new Uint8Array(Buffer.from(content, 'base64'))
      : new TextEncoder().encode(content)
  return { bytes, fileName, meta }
}
