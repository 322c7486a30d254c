/** Typed domain errors; server actions and route handlers map them to results/status codes in one place. */
export class DomainError extends Error {
  override readonly name = 'DomainError'
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'FORBIDDEN',
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

/**
 * Whether `err` is a DomainError. Checked by shape, not `instanceof`: the lab session manager is created
 * by the custom server's bundle and shared with Next's bundle, so the same class exists twice.
 */
export function isDomainError(err: unknown): err is DomainError {
  return err instanceof Error && err.name === 'DomainError' && typeof (err as { code?: unknown }).code === 'string'
}
