/** Which database a URL selects. Pure: shared by the app, scripts and tests. */
export type DbKind = 'sqlite' | 'postgres'

export function dbKindOf(url: string | undefined): DbKind {
  return url && /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite'
}

/** Redacts the password of a connection URL for logs and the health endpoint. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')
}
