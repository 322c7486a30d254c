import localFont from 'next/font/local'

/**
 * Fonts ship with the app (air-gapped by design: no font CDN). Inter's Latin subset is preloaded
 * through next/font/local; Noto Sans JP comes from @fontsource-variable as unicode-range subsets
 * (imported in app/layout.tsx), so a page only downloads the Japanese glyph ranges it uses.
 */
export const inter = localFont({
  src: '../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
  weight: '100 900',
  style: 'normal',
  display: 'swap',
  variable: '--font-latin',
})
