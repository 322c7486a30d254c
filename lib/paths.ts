import path from 'node:path'

/** Where Kenshu keeps its state (SQLite file, auth secret, sandboxes). Pure: usable from scripts. */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.KENSHU_DATA_DIR ?? 'data')
}

/** The repository/app root (where prisma/, labs/ and content/ live). */
export function appRoot(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.KENSHU_APP_ROOT ?? '.')
}

/** Lab packages (`labs/<id>/`); the web tier and the lab runner each resolve their own copy. */
export function labsDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.KENSHU_LABS_DIR ?? path.join(appRoot(), 'labs'))
}
