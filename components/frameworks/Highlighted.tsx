/** Statement text with search matches in <mark>. Pure rendering of text nodes: nothing is parsed as HTML. */
export function Highlighted({ text, ranges }: { text: string; ranges: ReadonlyArray<{ start: number; end: number }> }) {
  const parts: React.ReactNode[] = []
  let at = 0
  ranges.forEach((r, i) => {
    if (r.start > at) parts.push(text.slice(at, r.start))
    parts.push(<mark key={i}>{text.slice(r.start, r.end)}</mark>)
    at = r.end
  })
  if (at < text.length) parts.push(text.slice(at))
  return <>{parts}</>
}
