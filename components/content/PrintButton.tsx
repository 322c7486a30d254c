'use client'
/** Opens the browser's print dialog (save as PDF); the page's print CSS hides the chrome. */
export function PrintButton({ label }: { label: string }) {
  return (
    <button type="button" onClick={() => window.print()}>
      {label}
    </button>
  )
}
