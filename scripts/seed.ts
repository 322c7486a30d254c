/**
 * Prepares the database and seeds the demo organisation: `node dist/seed.js` (built by
 * scripts/build-server.mjs). Idempotent: existing data is kept. Prints the demo sign-ins.
 */
import { prepareRuntime } from '../server/prepare'
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../lib/org/seed'
import { getDb } from '../lib/db/client'
import { seedDemoRoles } from '../lib/roles/seed'

const runtime = await prepareRuntime()
const { created } = await seedDemo()
{
  // Role requirements arrived after the first demo seed: add them to an existing demo organisation too.
  const org = await getDb().organization.findUnique({ where: { slug: 'demo' } })
  const hr = await getDb().user.findUnique({ where: { email: 'hr@demo.kenshu.local' } })
  if (org && hr) await seedDemoRoles(org.id, hr.id)
}
await getDb().$disconnect()
const quiet = process.argv.includes('--quiet')
if (!quiet) {
  console.log(`database: ${runtime.dbKind}${runtime.dbKind === 'sqlite' ? ` (${runtime.dataDir}/kenshu.db)` : ''}`)
  console.log(created ? 'demo organisation created' : 'demo organisation already present: kept as it is')
  console.log('\nDemo sign-ins (password for all: ' + DEMO_PASSWORD + ')')
  for (const u of DEMO_USERS) console.log(`  ${u.role.padEnd(10)} ${u.email}`)
}
