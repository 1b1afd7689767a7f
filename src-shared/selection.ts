// Which run shows a cell's gradient flow, in the compare view and in reports: one that recorded
// it, with the longest sequences (where vanishing shows), then the most steps. Pure: the renderer
// imports it too.

/** What the choice reads of a run (a stored run and the UI's run view both have it). */
interface Candidate { id: number; config: { cell: string; gradFlowEvery: number }; figures: { task: { seqLen: number }; steps: number } | null }

export function gradFlowRunPerCell<R extends Candidate>(runs: R[]): R[] {
  const score = (r: R) => [r.figures!.task.seqLen, r.figures!.steps]
  const better = (a: R, b: R) => {
    const [x, y] = [score(a), score(b)]
    const i = x.findIndex((v, k) => v !== y[k])
    return i >= 0 && x[i] > y[i]
  }
  const byCell = new Map<string, R>()
  for (const r of runs) {
    if (!r.figures || r.config.gradFlowEvery <= 0) continue
    const best = byCell.get(r.config.cell)
    if (!best || better(r, best)) byCell.set(r.config.cell, r)
  }
  return [...byCell.values()]
}
