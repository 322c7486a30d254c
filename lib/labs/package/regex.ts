/**
 * Author-supplied regular expressions (answer patterns, report facts), made safe enough to run
 * on learner input inside the web process.
 *
 * JavaScript regexes have no timeout, so a pattern like `(a+)+$` against a crafted answer can pin
 * a CPU for minutes (ReDoS). Two defences: patterns with the classic exponential shapes are
 * rejected when the package loads, and grading caps the input length (see grading.ts).
 * The shape check is a heuristic, not a proof; it errs on the side of rejecting.
 *
 * Pure module.
 */

const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]{0,31})\}\}/g

/** Variable names referenced as `{{NAME}}` in a pattern, in order of first use. */
export function regexPlaceholders(pattern: string): string[] {
  return [...new Set([...pattern.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))]
}

/** Escapes a literal for use inside a `u`-flag RegExp. */
export function escapeRegex(literal: string): string {
  // `-` and `/` are not escaped: outside a character class they are literal, and with the `u` flag
  // (used for grading) `\-` and `\/`-style identity escapes of them are syntax errors.
  return literal.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
}

/**
 * Why a pattern is unsafe or invalid, or `null` when it is acceptable.
 * Rejects: invalid syntax, backreferences, and an unbounded quantifier (`*`, `+`, `{n,}`) applied
 * to a group that itself contains a quantifier or an alternation — the shapes behind
 * catastrophic backtracking (`(a+)+`, `(a|aa)*`, `(\w+\s?)*`).
 */
export function checkRegexSafety(pattern: string): string | null {
  // Placeholders become a neutral literal so the shape, not the per-session value, is checked.
  const probe = pattern.replace(PLACEHOLDER, 'x')
  try {
    new RegExp(probe, 'u')
  } catch (e) {
    return `invalid regular expression: ${e instanceof Error ? e.message : String(e)}`
  }
  if (/\\[1-9]|\\k</.test(probe)) return 'backreferences are not allowed (they defeat the ReDoS check)'

  type Group = { quantified: boolean; alternation: boolean }
  const stack: Group[] = []
  let inClass = false
  for (let i = 0; i < probe.length; i++) {
    const c = probe[i]
    if (c === '\\') {
      i++
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      continue
    }
    if (c === '[') {
      inClass = true
      continue
    }
    if (c === '(') {
      stack.push({ quantified: false, alternation: false })
      // Skip group syntax such as (?: (?= (?<name> so its "?" is not read as a quantifier.
      if (probe[i + 1] === '?') {
        const m = /^\?(:|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(probe.slice(i + 1))
        if (m) i += m[0].length
      }
      continue
    }
    const top = stack[stack.length - 1]
    if (c === '|') {
      if (top) top.alternation = true
      continue
    }
    if (c === ')') {
      const group = stack.pop()
      if (!group) continue
      if (unboundedQuantifierAt(probe, i + 1) && (group.quantified || group.alternation)) {
        return 'nested or alternating repetition such as (a+)+ or (a|b)* can backtrack catastrophically; repeat a character class instead'
      }
      // A group that repeats, or contains repetition, makes its parent contain repetition too.
      const parent = stack[stack.length - 1]
      if (parent && (group.quantified || quantifierAt(probe, i + 1))) parent.quantified = true
      continue
    }
    if (top && quantifierAt(probe, i)) top.quantified = true
  }
  return null
}

function quantifierAt(p: string, i: number): boolean {
  const c = p[i]
  if (c === '*' || c === '+' || c === '?') return true
  return c === '{' && /^\{\d+(,\d*)?\}/.test(p.slice(i))
}

function unboundedQuantifierAt(p: string, i: number): boolean {
  const c = p[i]
  if (c === '*' || c === '+') return true
  return c === '{' && /^\{\d+,\}/.test(p.slice(i))
}

/**
 * Compiles an author pattern with per-session values substituted (escaped, so a value can never
 * change the pattern's shape). Returns an error string if a variable is missing.
 */
export function compileAuthorRegex(
  pattern: string,
  variables: Readonly<Record<string, string>>,
  flags: string,
): { ok: true; regex: RegExp } | { ok: false; error: string } {
  let missing: string | undefined
  const source = pattern.replace(PLACEHOLDER, (_m, name: string) => {
    const value = variables[name]
    if (value === undefined) {
      missing ??= name
      return ''
    }
    return escapeRegex(value)
  })
  if (missing) return { ok: false, error: `per-session variable ${missing} is not set` }
  try {
    return { ok: true, regex: new RegExp(source, flags) }
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) }
  }
}
