import { expect, test } from 'vitest'
import { commonWrongAnswers, debriefCsv, median, minutesBetween, pauseIntervals } from './debrief'

const at = (m: number) => new Date(Date.UTC(2026, 11, 1, 0, m))

test('minutes to a pass, minus pauses that overlap', () => {
  expect(minutesBetween(at(0), at(30))).toBe(30)
  expect(minutesBetween(at(0), at(30), [{ start: at(10), end: at(20) }])).toBe(20)
  expect(minutesBetween(at(0), at(30), [{ start: at(25), end: at(40) }])).toBe(25)
  expect(minutesBetween(at(0), at(30), [{ start: at(40), end: at(50) }])).toBe(30)
  expect(minutesBetween(at(0), null)).toBeNull()
})

test('pause intervals from the timeline; a pause still running ends at `until`', () => {
  const p = pauseIntervals([{ type: 'open', at: at(0) }, { type: 'pause', at: at(5) }, { type: 'resume', at: at(8) }, { type: 'pause', at: at(20) }], at(30))
  expect(p).toEqual([{ start: at(5), end: at(8) }, { start: at(20), end: at(30) }])
})

test('median', () => {
  expect(median([])).toBeNull()
  expect(median([5])).toBe(5)
  expect(median([9, 1, 5])).toBe(5)
  expect(median([1, 2, 3, 10])).toBe(2.5)
})

test('common wrong answers grouped case- and width-insensitively, most frequent first', () => {
  const r = commonWrongAnswers(['10.0.0.1', ' 10.0.0.1 ', 'ＡＢＣ', 'abc', 'abc', 'x', ''])
  expect(r[0]).toEqual({ input: 'ＡＢＣ', count: 3 })
  expect(r[1]).toEqual({ input: '10.0.0.1', count: 2 })
  expect(r).toHaveLength(3)
})

test('CSV: BOM, CRLF, quoting, and formulas defused', () => {
  const csv = debriefCsv([
    { team: 'Team 1', members: 'Aoi, Ren', taskId: 'kill-bot', task: '=HYPERLINK("x")', kind: 'check', passed: true, passedBy: 'Aoi', minutes: 12.5, attempts: 2, hints: 0, points: 20 },
  ])
  expect(csv.startsWith('\uFEFFteam,members,')).toBe(true)
  const lines = csv.split('\r\n')
  expect(lines[1]).toBe(`Team 1,"Aoi, Ren",kill-bot,"'=HYPERLINK(""x"")",check,yes,Aoi,12.5,2,0,20`)
  expect(lines[2]).toBe('')
})
