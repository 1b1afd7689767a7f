import type { Database } from 'better-sqlite3'

/** Sweeps, their runs (the queue and the results), metric series and gradient-flow snapshots. */
export function migration001Initial(db: Database): void {
  db.exec(`
    CREATE TABLE sweeps (
      id          INTEGER PRIMARY KEY,
      name        TEXT NOT NULL,
      spec        TEXT NOT NULL,                 -- the validated sweep spec, JSON
      created_at  TEXT NOT NULL                  -- ISO 8601
    );
    CREATE TABLE runs (
      id          INTEGER PRIMARY KEY,
      sweep_id    INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
      idx         INTEGER NOT NULL,              -- position in the expanded sweep
      config      TEXT NOT NULL,                 -- RunConfig, JSON
      status      TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'diverged', 'cancelled')),
      attempts    INTEGER NOT NULL DEFAULT 0,
      owner_pid   INTEGER,                       -- the process running it, while running
      started_at  TEXT,
      finished_at TEXT,
      error       TEXT,
      figures     TEXT,                          -- RunFigures, JSON, once done or diverged
      environment TEXT,                          -- where it ran, JSON
      UNIQUE (sweep_id, idx)
    );
    CREATE INDEX runs_by_status ON runs (sweep_id, status);
    CREATE TABLE points (
      run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      series      TEXT NOT NULL,                 -- train_loss, grad_norm, val_loss, val_metric
      step        INTEGER NOT NULL,
      wall_ms     REAL NOT NULL,
      value       REAL                           -- NULL for NaN
    );
    CREATE INDEX points_by_run ON points (run_id, series, step);
    CREATE TABLE grad_flow (
      run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      step        INTEGER NOT NULL,
      rows        INTEGER NOT NULL,              -- layer-directions
      timesteps   INTEGER NOT NULL,
      norms       BLOB NOT NULL,                 -- float32 little-endian [rows, timesteps]
      PRIMARY KEY (run_id, step)
    );
  `)
}
