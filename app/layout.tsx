import type { Metadata, Viewport } from 'next'
import { NextIntlClientProvider } from 'next-intl'
import { CLIENT_NAMESPACES } from '@/lib/i18n/client-namespaces'
import { getLocale, getMessages, getTranslations } from 'next-intl/server'
import '@fontsource-variable/noto-sans-jp/wght.css'
import './globals.css'
import { inter } from './fonts'
import { Header } from '@/components/Header'
import { getViewer } from '@/lib/auth/session'
import { isLocale, DEFAULT_LOCALE } from '@/lib/i18n/locale'

export const metadata: Metadata = {
  title: { default: 'Kenshu 研修', template: '%s · Kenshu' },
  description: 'Self-hosted security workforce training',
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1 }

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const [viewer, rawLocale, messages, t] = await Promise.all([
    getViewer(),
    getLocale(),
    getMessages(),
    getTranslations(),
  ])
  const locale = isLocale(rawLocale) ? rawLocale : DEFAULT_LOCALE
  return (
    <html lang={locale} className={inter.variable}>
      <body>
        <NextIntlClientProvider
          locale={locale}
          messages={Object.fromEntries(CLIENT_NAMESPACES.map((ns) => [ns, messages[ns]]))}
        >
          <Header viewer={viewer} locale={locale} />
          <main id="main">{children}</main>
          <footer className="site-footer">{t('common.footer')}</footer>
        </NextIntlClientProvider>
      </body>
    </html>
  )
}
