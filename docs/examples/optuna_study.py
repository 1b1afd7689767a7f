#!/usr/bin/env python3
"""An Optuna study that drives rnnbench: each trial trains one configuration with
`rnnbench train` in a subprocess and reads back one number (--objective). Needs Optuna
(pip install optuna, or Debian's python3-optuna) and rnnbench on PATH (or RNNBENCH="npx rnnbench").

    python3 docs/examples/optuna_study.py            # 12 trials on the adding problem
"""
import json
import math
import os
import shlex
import subprocess

import optuna

RNNBENCH = shlex.split(os.environ.get("RNNBENCH", "npx rnnbench"))


def objective(trial: optuna.Trial) -> float:
    config = {
        "task": "adding", "seqLen": 20, "steps": 300, "seed": 1,
        "cell": trial.suggest_categorical("cell", ["lstm", "gru", "rnn_tanh"]),
        "hiddenSize": trial.suggest_categorical("hiddenSize", [8, 16, 32]),
        "lr": trial.suggest_float("lr", 1e-3, 3e-2, log=True),
    }
    run = subprocess.run([*RNNBENCH, "train", "--config", json.dumps(config), "--objective", "final"], capture_output=True, text=True)
    if run.returncode == 2:  # a configuration rnnbench refuses: a bug in this script, not a bad trial
        raise ValueError(run.stderr.strip())
    value = float(run.stdout.strip() or "nan")
    if run.returncode != 0 or math.isnan(value):  # diverged or failed: Optuna records the trial as failed
        raise optuna.TrialPruned(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "failed")
    return value  # validation MSE: lower is better


if __name__ == "__main__":
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=7))
    study.optimize(objective, n_trials=int(os.environ.get("TRIALS", "12")))
    for t in study.trials:
        print(f"trial {t.number:2d}  {t.state.name:8s}  {t.params['cell']:8s}  H={t.params['hiddenSize']:<3d} lr={t.params['lr']:.4f}  mse={t.value if t.value is not None else float('nan'):.4f}")
    print(f"best: {study.best_params} -> validation MSE {study.best_value:.4f}")
