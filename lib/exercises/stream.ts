import 'server-only'
import { isDomainError } from '../errors'
import { sseSnapshots } from '../http/sse'
import { exerciseProbe } from './store'

/**
 * A live exercise view as Server-Sent Events (the console and the team view): the id checked, the
 * first snapshot loaded up front (so "not found" is a 404), then re-read when the event probe moves.
 */
export async function exerciseStream<T extends { version: string }>(req: Request, exerciseId: string, what: string, load: () => Promise<T>): Promise<Response> {
  const notFound = () => Response.json({ error: 'not_found' }, { status: 404 })
  if (!/^[a-z0-9]{1,40}$/i.test(exerciseId)) return notFound()
  try {
    return await sseSnapshots(req, load, {
      probe: () => exerciseProbe(exerciseId),
      onError: (err) => {
        if (!(isDomainError(err) && err.code === 'NOT_FOUND')) console.error(`exercise ${what} stream:`, (err as Error).message)
      },
    })
  } catch (err) {
    if (isDomainError(err) && err.code === 'NOT_FOUND') return notFound()
    throw err
  }
}
