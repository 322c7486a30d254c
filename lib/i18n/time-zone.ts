/** The time zone dates are shown in (KENSHU_TIME_ZONE, default Asia/Tokyo). Pure; one place for all. */
export function appTimeZone(): string {
  return process.env.KENSHU_TIME_ZONE ?? 'Asia/Tokyo'
}
