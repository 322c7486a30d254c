/**
 * `npm run content:check`: validates every curriculum, module and briefing under content/ — schema,
 * NICE statement ids, lab links, prerequisite DAG, quiz answers, tabletop decisions, MDX syntax, both
 * languages. Exit 1 on any error. `--json` prints counts for the test runner.
 */
import { formatContentIssue, loadContent } from '../lib/content/load'

const json = process.argv.includes('--json')
const c = await loadContent(process.cwd())
const counts = {
  curricula: c.curricula.length,
  modules: c.modules.size,
  lessons: [...c.modules.values()].reduce((a, m) => a + m.lessons.length, 0),
  briefings: c.briefings.size,
  tabletops: [...c.briefings.values()].filter((b) => b.tabletop).length,
  quizQuestions:
    [...c.modules.values()].reduce((a, m) => a + m.quiz.questions.length, 0) +
    [...c.briefings.values()].reduce((a, b) => a + b.quiz.questions.length, 0),
  texts: {
    ja:
      [...c.modules.values()].reduce(
        (a, m) => a + Object.values(m.lessonFiles).filter((f) => f.ja).length,
        0,
      ) + [...c.briefings.values()].filter((b) => b.briefFiles.ja).length,
    en:
      [...c.modules.values()].reduce(
        (a, m) => a + Object.values(m.lessonFiles).filter((f) => f.en).length,
        0,
      ) + [...c.briefings.values()].filter((b) => b.briefFiles.en).length,
  },
}
if (json)
  console.log(
    JSON.stringify(
      { ...counts, errors: c.errors.map(formatContentIssue), warnings: c.warnings.map(formatContentIssue) },
      null,
      2,
    ),
  )
else {
  for (const e of c.errors) console.error(`error  ${formatContentIssue(e)}`)
  for (const w of c.warnings) console.error(`warn   ${formatContentIssue(w)}`)
  console.log(JSON.stringify(counts))
}
process.exit(c.errors.length ? 1 : 0)
