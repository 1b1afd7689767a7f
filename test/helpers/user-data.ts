// Data files as a user would bring them, written by the tests: a monthly series with a date
// column, a season, a trend and one missing month; and labelled sentences whose label depends on
// word order alone ("the dog chased the cat" against "the cat chased the dog": the same words).

import { Rng } from '../../src-main/engine/rng'

/** Monthly values from 2001-01: trend + yearly season + noise, with 2004-06 left out (a gap in the dates). */
export function seriesCsv(months = 120, seed = 3): string {
  const rng = new Rng(seed)
  const lines = ['month,visitors,temperature']
  for (let i = 0; i < months; i++) {
    const y = 2001 + Math.floor(i / 12), m = (i % 12) + 1
    if (y === 2004 && m === 6) continue
    const value = 100 + 0.8 * i + 20 * Math.sin((2 * Math.PI * i) / 12) + 3 * rng.normal()
    lines.push(`${y}-${String(m).padStart(2, '0')},${value.toFixed(3)},${(10 + 8 * Math.sin((2 * Math.PI * (i - 3)) / 12)).toFixed(1)}`)
  }
  return lines.join('\n') + '\n'
}

const ANIMALS = ['dog', 'cat', 'fox', 'owl', 'hen', 'cow']
const VERBS = ['chased', 'saw', 'bit', 'followed']

/** Sentences "the A VERB the B": label "A-first" when A comes earlier in ANIMALS than B. Order decides, not the words. */
export function sentencesCsv(rows = 600, seed = 5): string {
  const rng = new Rng(seed)
  const lines = ['id\tsentence\tlabel']
  for (let i = 0; i < rows; i++) {
    let a = rng.int(ANIMALS.length), b = rng.int(ANIMALS.length)
    while (b === a) b = rng.int(ANIMALS.length)
    const sentence = `the ${ANIMALS[a]} ${VERBS[rng.int(VERBS.length)]} the ${ANIMALS[b]}`
    lines.push(`${i + 1}\t${sentence}\t${a < b ? 'earlier' : 'later'}`)
  }
  return lines.join('\n') + '\n'
}
