/** Accepts only same-site relative paths as post-sign-in targets (no open redirect). Pure. */
export function safeCallbackUrl(value: string | undefined | null): string | undefined {
  if (!value || value.length > 512) return undefined
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined
  if (/[\u0000-\u001f]/.test(value)) return undefined
  return value
}
