// The verdicts' thresholds, in one place. Read by verdicts.ts, which applies them, and
// verdict-text.ts, which says them. The per-run baseline test has its own level beside it
// (engine/baseline-test.ts), because it runs inside the training run.

import { FAMILY_ALPHA } from '../../src-shared/ranges'

/** The family-wise error rate of a report's tests: every measured question's comparisons under one Holm correction. */
export const ALPHA = FAMILY_ALPHA
