/** Typed domain errors; server actions and route handlers map them to results/status codes in one place. */
export class DomainError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'FORBIDDEN',
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}
