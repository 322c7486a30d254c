/** Readiness buckets for distributions: [0, 25 %), [25 %, 50 %), [50 %, 80 %), [80 %, 100 %]. Pure. */
export const BUCKETS = [0, 0.25, 0.5, 0.8] as const

/** The share from which a person counts as ready for a role (pipeline, "ready" column). */
export const READY_SHARE = 0.8

export function bucketOf(share: number): number {
  let b = 0
  BUCKETS.forEach((min, i) => {
    if (share >= min) b = i
  })
  return b
}
