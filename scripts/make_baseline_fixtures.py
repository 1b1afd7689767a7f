#!/usr/bin/env python3
"""The baselines of the user-data tasks, computed independently of rnnbench's TypeScript with numpy
and scikit-learn (Debian: python3-numpy, python3-sklearn), from the data files the tests write:

  test/fixtures/baselines/series.csv     a monthly series with one missing month
  test/fixtures/baselines/sentences.tsv  sentences whose label depends on word order

and the bundled digits and airline data. Writes test/fixtures/baselines/expected.json, which
test/engine/user-data.test.ts compares against. Run from the repository root:

  /usr/bin/python3 scripts/make_baseline_fixtures.py
"""
import csv
import json
import math
import re
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "test" / "fixtures" / "baselines"


def rmse_with_se(errors):
    sq = np.asarray(errors) ** 2
    n = len(sq)
    mse = sq.mean()
    se_mse = sq.std(ddof=1) / math.sqrt(n)
    r = math.sqrt(mse)
    return {"metric": r, "standardError": se_mse / (2 * r), "items": n}


def forecast_baselines(values, window, horizon, test_fraction, season):
    """Seasonal naive; seasonal naive with drift; least-squares AR on the window (numpy lstsq)."""
    y = np.asarray(values, dtype=float)
    n = len(y)
    first = window - 1 + horizon
    targets = n - first
    test_count = max(1, math.ceil(targets * test_fraction))
    # rnnbench's split, in time order: the last test_count targets test, as many before them validate.
    train = list(range(first, n - 2 * test_count))
    validation = list(range(n - 2 * test_count, n - test_count))
    test = list(range(n - test_count, n))
    back = season * math.ceil(horizon / season)
    naive = lambda t: y[t - back] if t - back >= 0 else y[t - horizon]
    last = train[-1]
    drift = (y[last] - y[0]) / last
    with_drift = lambda t: naive(t) + (back if t - back >= 0 else horizon) * drift
    X = np.array([[1.0, *y[t - horizon - window + 1: t - horizon + 1]] for t in train])
    w, *_ = np.linalg.lstsq(X, y[train], rcond=None)
    ar = lambda t: float(np.dot(w, [1.0, *y[t - horizon - window + 1: t - horizon + 1]]))
    fit = lambda f: math.sqrt(np.mean([(y[t] - f(t)) ** 2 for t in train]))
    classical = ar if fit(ar) <= fit(with_drift) else with_drift
    mase_scale = np.mean([abs(y[t] - y[t - season]) for t in range(season, last + 1)])
    return {
        "trivial": rmse_with_se([y[t] - naive(t) for t in validation]),
        "classical": rmse_with_se([y[t] - classical(t) for t in validation]),
        "testTrivial": rmse_with_se([y[t] - naive(t) for t in test]),
        "testClassical": rmse_with_se([y[t] - classical(t) for t in test]),
        "classicalKind": "autoregression" if classical is ar else "drift",
        "maseScale": mase_scale,
        "train": len(train),
        "validation": len(validation),
        "test": len(test),
    }


def series_fixture():
    rows = list(csv.DictReader(open(FIX / "series.csv")))
    # Fill missing months by linear interpolation between neighbours.
    months = [int(r["month"][:4]) * 12 + int(r["month"][5:7]) - 1 for r in rows]
    vals = [float(r["visitors"]) for r in rows]
    filled, out = 0, [vals[0]]
    for i in range(1, len(vals)):
        steps = months[i] - months[i - 1]
        for k in range(1, steps):
            out.append(vals[i - 1] + (vals[i] - vals[i - 1]) * k / steps)
            filled += 1
        out.append(vals[i])
    return {"values": len(out), "filled": filled, **forecast_baselines(out, 24, 1, 0.2, 12)}


def sentences_fixture():
    rows = list(csv.DictReader(open(FIX / "sentences.tsv"), delimiter="\t"))
    texts = [r["sentence"] for r in rows]
    labels = [r["label"] for r in rows]
    # A fixed split the test passes to rnnbench's naive Bayes: every fifth row held out.
    test = [i for i in range(len(rows)) if i % 5 == 0]
    train = [i for i in range(len(rows)) if i % 5 != 0]
    vec = CountVectorizer(lowercase=True, token_pattern=r"(?u)[\w']+")
    Xtr = vec.fit_transform([texts[i] for i in train])
    nb = MultinomialNB(alpha=1.0).fit(Xtr, [labels[i] for i in train])
    pred = nb.predict(vec.transform([texts[i] for i in test]))
    accuracy = float(np.mean([p == labels[i] for p, i in zip(pred, test)]))
    majority = max(set(labels[i] for i in train), key=lambda c: sum(labels[i] == c for i in train))
    return {"train": train, "test": test, "naiveBayes": accuracy, "majority": majority,
            "majorityAccuracy": float(np.mean([labels[i] == majority for i in test]))}


def digits_fixture():
    lines = (ROOT / "src-main" / "engine" / "tasks" / "data" / "digits.csv").read_text().split()
    data = np.array([[float(v) for v in line.split(",")] for line in lines])
    X, y = data[:, :64] / 16.0, data[:, 64].astype(int)
    test = [i for i in range(len(y)) if i % 5 == 0]
    train = [i for i in range(len(y)) if i % 5 != 0]
    lr = LogisticRegression(max_iter=2000).fit(X[train], y[train])
    return {"train": train, "test": test, "logistic": float(lr.score(X[test], y[test]))}


def airline_fixture():
    src = (ROOT / "src-main" / "engine" / "tasks" / "airline.ts").read_text()
    start = src.index("= [", src.index("AIRLINE_PASSENGERS"))
    block = src[start: src.index("\n]", start)]
    values = [int(v) for line in block.splitlines() for v in re.findall(r"\b\d{3}\b", line.split("//")[0])]
    assert len(values) == 144, len(values)
    # rnnbench's split: the first 96 months train, the next 24 validate, the last 24 test; window 12.
    y = np.asarray(values, dtype=float)
    window = 12
    train, validation, test = list(range(window, 96)), list(range(96, 120)), list(range(120, 144))
    X = np.array([[1.0, *y[t - window: t]] for t in train])
    w, *_ = np.linalg.lstsq(X, y[train], rcond=None)
    ar = lambda held: [y[t] - float(np.dot(w, [1.0, *y[t - window: t]])) for t in held]
    naive = lambda held: [y[t] - y[t - 12] for t in held]
    return {"autoregression": rmse_with_se(ar(validation)), "seasonalNaive": rmse_with_se(naive(validation)),
            "testAutoregression": rmse_with_se(ar(test)), "testSeasonalNaive": rmse_with_se(naive(test))}


if __name__ == "__main__":
    out = {"series": series_fixture(), "sentences": sentences_fixture(), "digits": digits_fixture(), "airline": airline_fixture()}
    (FIX / "expected.json").write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk not in ("train", "test") or isinstance(vv, int)} for k, v in out.items()}, indent=1))
