import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
const dir = mkdtempSync(path.join(tmpdir(), 'kenshu-dbg-'))
process.env.DATABASE_URL = `file:${path.join(dir, 'kenshu.db')}`
const { migrateSqlite } = await import('../lib/db/migrate')
await migrateSqlite(path.join(dir, 'kenshu.db'), process.cwd())
const { BwrapDriver } = await import('../lib/labs/sandbox/bwrap-driver')
const { getLab } = await import('../lib/labs/catalog')
const { provisionSandbox } = await import('../lib/labs/runtime/provision')
const e = await getLab('iot-botnet-telnet')
const d = new BwrapDriver()
await d.stopAll()
try { const p = await provisionSandbox(d, e!.lab, 'dbg2', { lang: 'en', seed: 1 }); console.log('ok', Object.keys(p.variables).length) } catch (err) { console.log('ERR', err) }
await d.stopAll()
