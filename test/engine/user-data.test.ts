// The tasks on the user's data and the bundled datasets: what they read from a file, the two
// baselines against values computed independently (numpy and scikit-learn,
// scripts/make_baseline_fixtures.py → test/fixtures/baselines/expected.json), and every malformed
// data file refused before a sweep starts with one line naming the row or setting, exit 2, and
// nothing stored.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTask } from '../../src-main/engine/tasks'
import { naiveBayesAccuracy, tokenize } from '../../src-main/engine/tasks/classify'
import { digitsData, logisticAccuracy } from '../../src-main/engine/tasks/digits'
import { forecastBaselines, forecastSplit } from '../../src-main/engine/tasks/forecast'
import { parseSeries } from '../../src-main/engine/tasks/series'
import { Store } from '../../src-main/store/store'
import { repoRoot, rnnbench } from '../helpers/cli'

const FIX = join(repoRoot, 'test', 'fixtures', 'baselines')
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8'))
const seriesText = readFileSync(join(FIX, 'series.csv'), 'utf8')
const sentencesText = readFileSync(join(FIX, 'sentences.tsv'), 'utf8')
const close = (got: number, want: number, rel = 1e-6) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want))

describe('series: the user\'s CSV', () => {
  it('reads the date column, fills the missing month, and takes the season from the dates', () => {
    const s = parseSeries(seriesText, 'series.csv', { column: 'visitors' })
    expect(s.values).toHaveLength(expected.series.values)
    expect(s.filled).toBe(expected.series.filled)
    expect(s.dates).toEqual({ column: 'month', frequency: 'monthly' })
    expect([s.seasonality, s.seasonFrom]).toEqual([12, 'monthly dates'])
    // without dates, the autocorrelation finds the same season
    const undated = 'visitors\n' + s.values.map((v) => v.toFixed(4)).join('\n')
    expect(parseSeries(undated, 'undated.csv', {}).seasonality).toBe(12)
  })

  it('has both baselines as numpy computes them: seasonal naive, and the least-squares autoregression', () => {
    const task = createTask('series', { dataFile: 'series.csv', data: seriesText, column: 'visitors', seqLen: 24 }, 1)
    const e = expected.series
    close(task.baseline.metric, e.trivial.metric)
    close(task.baseline.standardError!, e.trivial.standardError)
    expect(task.baseline.items).toBe(e.validation)
    close(task.classical!.metric, e.classical.metric, 1e-5)
    close(task.classical!.standardError!, e.classical.standardError, 1e-4)
    expect(task.classical!.description).toMatch(e.classicalKind === 'autoregression' ? /^linear autoregression/ : /^seasonal naive with drift/)
    // The same two baselines on the test split, the last 20 targets
    close(task.test.baseline.metric, e.testTrivial.metric)
    close(task.test.baseline.standardError!, e.testTrivial.standardError)
    expect([task.test.baseline.items, task.test.batches[0].B]).toEqual([e.test, e.test])
    close(task.test.classical!.metric, e.testClassical.metric, 1e-5)
    close(task.test.classical!.standardError!, e.testClassical.standardError, 1e-4)
    const s = parseSeries(seriesText, 'series.csv', { column: 'visitors' })
    const split = forecastSplit(s.values.length, 24, 1, 0.2)
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([e.train, e.validation, e.test])
    close(forecastBaselines(s.values, { train: split.train, held: split.test }, 24, 1, 12).maseScale, e.maseScale)
  })

  it('feeds covariates beside the series: one input each, scaled, the baselines unchanged', () => {
    const plain = createTask('series', { dataFile: 'series.csv', data: seriesText, column: 'visitors', seqLen: 24 }, 1)
    const withTemp = createTask('series', { dataFile: 'series.csv', data: seriesText, column: 'visitors', covariates: ['temperature'], seqLen: 24 }, 1)
    expect([plain.inputSize, withTemp.inputSize]).toEqual([1, 2])
    expect(withTemp.baseline.metric).toBe(plain.baseline.metric)
    const x = withTemp.validation[0].x, B = withTemp.validation[0].B
    // every other input is the series, as the plain task has it
    expect(Array.from({ length: B }, (_, b) => x[b * 2])).toEqual(Array.from({ length: B }, (_, b) => plain.validation[0].x[b]))
    expect(withTemp.citation).toContain('with "temperature" beside it')
    expect(() => createTask('series', { dataFile: 'series.csv', data: seriesText, column: 'visitors', covariates: ['month'] }, 1)).toThrow(/^covariates: series\.csv: "month" is the date column/)
  })

  it('gives airline a classical baseline that numpy agrees with: the autoregression far below seasonal naive', () => {
    const task = createTask('airline', { seqLen: 12 }, 1)
    close(task.baseline.metric, expected.airline.seasonalNaive.metric)
    close(task.classical!.metric, expected.airline.autoregression.metric, 1e-5)
    close(task.test.baseline.metric, expected.airline.testSeasonalNaive.metric)
    close(task.test.classical!.metric, expected.airline.testAutoregression.metric, 1e-5)
    // on the conventional test months (1959–1960) the autoregression is far below seasonal naive; on validation (1957–1958), below it
    expect(task.test.classical!.metric).toBeLessThan(0.5 * task.test.baseline.metric)
    expect(task.classical!.metric).toBeLessThan(task.baseline.metric)
  })
})

describe('classify: the user\'s labelled sentences', () => {
  it('scores naive Bayes exactly as scikit-learn\'s MultinomialNB on the same split', () => {
    const rows = sentencesText.trim().split('\n').slice(1).map((l) => l.split('\t'))
    const docs = rows.map((r) => tokenize(r[1], 'words'))
    const classes = ['earlier', 'later']
    const labels = rows.map((r) => classes.indexOf(r[2]))
    expect(naiveBayesAccuracy(docs, labels, 2, expected.sentences.train, expected.sentences.test)).toBeCloseTo(expected.sentences.naiveBayes, 12)
  })

  it('builds the task: a stratified split, the 95th-percentile length, and baselines near chance because the words do not tell', () => {
    const task = createTask('classify', { dataFile: 'sentences.tsv', data: sentencesText, textColumn: 'sentence', labelColumn: 'label' }, 1)
    expect(task.seqLen).toBe(5) // "the dog chased the cat"
    expect(task.head.outputSize).toBe(2)
    expect(task.validation[0].B).toBe(120)
    for (const b of [task.baseline, task.classical!]) {
      expect(b.metric).toBeGreaterThan(0.4)
      expect(b.metric).toBeLessThan(0.6)
    }
    expect(task.citation).toContain('360 training, 120 validation, 120 test')
  })
})

describe('digits: the bundled UCI images', () => {
  it('holds 1,797 images of 64 pixels in [0, 1], ten classes', () => {
    const { pixels, labels } = digitsData()
    expect(labels).toHaveLength(1797)
    expect(new Set(labels).size).toBe(10)
    expect(Math.max(...pixels)).toBe(1)
  })

  it('has a logistic-regression baseline within 3 points of scikit-learn\'s on the same split', () => {
    const { pixels, labels } = digitsData()
    const ours = logisticAccuracy(pixels, labels, expected.digits.train, expected.digits.test)
    expect(Math.abs(ours - expected.digits.logistic)).toBeLessThan(0.03)
  })
})

describe('sweeps on the user\'s files, from the CLI', () => {
  it('runs a series and a classify sweep to the end, each run with both baselines and its extra measure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnbench-user-sweep-'))
    try {
      const db = join(dir, 'db.sqlite')
      const specs = [
        { name: 'visitors', settings: { task: 'series', dataFile: join(FIX, 'series.csv'), column: 'visitors', hiddenSize: 8 }, axes: { cell: ['gru', 'rnn_tanh'] }, budget: { steps: 40 } },
        { name: 'word order', settings: { task: 'classify', dataFile: join(FIX, 'sentences.tsv'), textColumn: 'sentence', labelColumn: 'label', hiddenSize: 8 }, axes: { cell: ['gru', 'rnn_tanh'] }, budget: { steps: 40 } },
      ]
      for (const spec of specs) {
        const path = join(dir, `${spec.name}.json`)
        writeFileSync(path, JSON.stringify(spec))
        const r = rnnbench(['sweep', path, '--db', db])
        expect(r.code, r.stderr).toBe(0)
        expect(r.stderr).toMatch(/classical /)
      }
      const out = rnnbench(['export', '--db', db, '--sweep', '2', '--format', 'json', '-o', '-'])
      const runs = JSON.parse(out.stdout).runs as Array<{ figures: { classical?: { metric: number }; extraMetrics?: Record<string, number>; metric: { name: string } } }>
      expect(runs.map((r) => r.figures.metric.name)).toEqual(['accuracy', 'accuracy'])
      expect(runs.every((r) => r.figures.classical !== undefined && Number.isFinite(r.figures.extraMetrics?.macroF1))).toBe(true)
      const series = JSON.parse(rnnbench(['export', '--db', db, '--sweep', '1', '--format', 'json', '-o', '-']).stdout).runs as typeof runs
      expect(series.every((r) => r.figures.metric.name === 'rmse' && Number.isFinite(r.figures.extraMetrics?.mase))).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('a malformed data file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnbench-bad-data-'))
  const db = join(dir, 'db.sqlite')
  new Store(db).close()
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const file = (name: string, content: string | Buffer) => { const p = join(dir, name); writeFileSync(p, content); return p }
  const good = seriesText.trim().split('\n')
  const series = (settings: Record<string, unknown>) => ({ settings: { task: 'series', column: 'visitors', hiddenSize: 4, ...settings }, budget: { steps: 5 } })
  const classify = (settings: Record<string, unknown>) => ({ settings: { task: 'classify', hiddenSize: 4, ...settings }, budget: { steps: 5 } })
  mkdirSync(join(dir, 'a-directory'))
  const big = join(dir, 'big.csv')
  writeFileSync(big, Buffer.alloc(50 * 2 ** 20, 'a'))
  const sentences = sentencesText.trim().split('\n')

  const CASES: Array<[string, object, RegExp]> = [
    ['an empty file', series({ dataFile: file('empty.csv', '') }), /^dataFile: .*empty\.csv is empty/],
    ['a header only', series({ dataFile: file('header.csv', 'month,visitors\n') }), /^dataFile: .*header\.csv has a header row and no data rows$/],
    ['text where a number is expected', series({ dataFile: file('text.csv', [...good.slice(0, 30), '2003-07,lots,1.0', ...good.slice(31)].join('\n')) }), /^dataFile: .*line 31, column "visitors": "lots" is not a number \(write it in decimal/],
    ['an empty value', series({ dataFile: file('gap.csv', [...good.slice(0, 10), '2001-10,,1.0', ...good.slice(11)].join('\n')) }), /^dataFile: .*line 11, column "visitors": empty/],
    ['a row with too few fields', series({ dataFile: file('ragged.csv', [...good.slice(0, 5), '2001-05,1', ...good.slice(6)].join('\n')) }), /^dataFile: .*line 6: 2 fields where the header has 3/],
    ['a column that is not there', series({ dataFile: file('ok.csv', seriesText), column: 'visits' }), /^column: .*ok\.csv has no column "visits"; its columns: month, visitors, temperature$/],
    ['the date column as the column to forecast', series({ dataFile: file('ok2.csv', seriesText), column: 'month' }), /^column: .*"month" holds dates/],
    ['dates out of order', series({ dataFile: file('order.csv', [good[0], good[2], good[1], ...good.slice(3)].join('\n')) }), /^dataFile: .*line 3, column "month": 2001-01 does not come after 2001-02; sort the rows by date$/],
    ['a series too short for the window', series({ dataFile: file('short.csv', good.slice(0, 20).join('\n')), seqLen: 24 }), /^seqLen: a series of 19 values is too short for a window of 24/],
    ['no numeric column', { settings: { task: 'series', hiddenSize: 4 , dataFile: file('words.csv', 'a,b\nx,y\nz,w\n') }, budget: { steps: 5 } }, /^column: .*words\.csv has no numeric column to forecast/],
    ['a header naming a column twice', series({ dataFile: file('dup.csv', 'visitors,visitors\n1,2\n') }), /^dataFile: .*line 1: the column "visitors" appears twice$/],
    ['a quote that never closes', series({ dataFile: file('quote.csv', 'month,visitors\n2001-01,"12\n2001-02,13\n') }), /^dataFile: .*a quoted field opened on line 2 never closes$/],
    ['Latin-1 bytes', series({ dataFile: file('latin1.csv', Buffer.from('month,visitors\n2001-01,caf\xe9\n', 'latin1')) }), /^dataFile: .*latin1\.csv is not UTF-8 text \(byte 0xE9 at offset 26/],
    ['a binary file', series({ dataFile: file('binary.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2])) }), /^dataFile: .*binary\.csv is not a text file/],
    ['a 50 MB file', series({ dataFile: big }), /^dataFile: .*big\.csv is 50\.0 MiB, over the 32 MiB a data file may have$/],
    ['a directory', series({ dataFile: join(dir, 'a-directory') }), /^dataFile: .*a-directory is a directory/],
    ['a missing file', series({ dataFile: join(dir, 'nowhere.csv') }), /^dataFile: cannot read .*nowhere\.csv: no such file$/],
    ['no dataFile at all', { settings: { task: 'series' }, budget: { steps: 5 } }, /^dataFile: the series task needs dataFile/],
    ['one class only', classify({ dataFile: file('one.tsv', sentences.map((l, i) => (i ? l.replace(/\t(earlier|later)$/, '\tlater') : l)).join('\n')) }), /^labelColumn: .*every row has the label "later"; a classifier needs at least two classes$/],
    ['a missing label', classify({ dataFile: file('nolabel.tsv', [...sentences.slice(0, 4), '4\tthe dog saw the cat\t', ...sentences.slice(5)].join('\n')) }), /^labelColumn: .*line 5, column "label": no label$/],
    ['an unknown text column', classify({ dataFile: file('s.tsv', sentencesText), textColumn: 'review' }), /^textColumn: .*has no column "review"; its columns: id, sentence, label$/],
    ['an unknown label column', classify({ dataFile: file('s2.tsv', sentencesText), labelColumn: 'class' }), /^labelColumn: .*has no column "class"/],
    ['too few rows to hold out', classify({ dataFile: file('few.tsv', sentences.slice(0, 4).join('\n')) }), /^dataFile: .*few\.tsv has 3 labelled rows: too few/],
    ['a test fraction of 1.5', series({ dataFile: file('ok3.csv', seriesText), testFraction: 1.5 }), /^settings\.testFraction: Too big/],
    ['tokens that are neither chars nor words', classify({ dataFile: file('s3.tsv', sentencesText), tokens: 'bytes' }), /^settings\.tokens: must be one of "chars", "words"$/],
  ]

  it(`has at least 20 cases`, () => expect(CASES.length).toBeGreaterThanOrEqual(20))

  it.each(CASES)('%s: one line naming it, exit 2, nothing stored', (_name, spec, message) => {
    const path = join(dir, `spec-${Math.random().toString(36).slice(2)}.json`)
    writeFileSync(path, JSON.stringify(spec))
    const r = rnnbench(['sweep', path, '--db', db])
    expect(r.code, r.stderr).toBe(2)
    const lines = r.stderr.trim().split('\n')
    expect(lines, r.stderr).toHaveLength(1)
    expect(lines[0].replace(/^rnnbench: /, '')).toMatch(message)
    const store = new Store(db, { readonly: true })
    try { expect(store.listSweeps()).toHaveLength(0) } finally { store.close() }
  })
})
