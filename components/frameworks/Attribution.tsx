import type { Attribution as A } from '@/lib/frameworks/schema'

/** The source and licence of framework data, shown wherever the data appears. */
export function Attribution({ attribution, label }: { attribution: A; label: string }) {
  return (
    <aside className="attribution hint" aria-label={label} data-testid="framework-attribution">
      <strong>{label}:</strong> {attribution.text} ({attribution.licence}){' '}
      {attribution.sourceUrl && (
        <a href={attribution.sourceUrl} rel="noreferrer noopener">
          {attribution.sourceUrl}
        </a>
      )}
    </aside>
  )
}
