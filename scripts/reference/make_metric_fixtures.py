#!/usr/bin/env python3
"""Writes Keel's model-evaluation metric fixtures, with the reference values from scikit-learn.

packages/ml/src/metrics/*.test.ts hold Keel's TypeScript metrics against these files: every
expected number comes from scikit-learn / numpy, independently of Keel's code. CI does not run
this script (it has no Python); its outputs are committed. Run it again only to change the
fixtures, then commit what it wrote.

Generated with scikit-learn 1.9.1, numpy 2.4.6, pandas 3.0.6 (Python 3). How to run, from the
repository root:

    python3 -m venv /tmp/pyref
    /tmp/pyref/bin/pip install "scikit-learn==1.9.*" numpy pandas
    /tmp/pyref/bin/python scripts/reference/make_metric_fixtures.py

It writes into test/fixtures/metrics/:
    binary.json       200 seeded rows, scores rounded to 2 decimals (many ties), labels 0/1
    multiclass.json   150 seeded rows, 3 string classes, probability rows with ties
    regression.json   200 seeded rows of floats
    edge-cases.json   binary: perfect classifier, all wrong, ties everywhere;
                      regression: constant target (exact and inexact fit), large offset

JSON has no Infinity: roc_curve's first threshold (np.inf) is written as null.
"""

import json
import pathlib

import numpy as np
import sklearn
from sklearn import metrics as M

OUT = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "metrics"
META = {"generator": "scripts/reference/make_metric_fixtures.py", "sklearn": sklearn.__version__, "numpy": np.__version__}


def floats(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=float)]


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def plain(v):
    return v.item() if hasattr(v, "item") else v


def per_class(y_true, y_pred):
    labels = sorted(set(y_true) | set(y_pred))
    p, r, f, s = M.precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None, zero_division="warn")
    mp, mr, mf, _ = M.precision_recall_fscore_support(y_true, y_pred, average="macro", zero_division="warn")
    return {
        "labels": [plain(l) for l in labels],
        "accuracy": float(M.accuracy_score(y_true, y_pred)),
        "confusion_matrix": M.confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "precision": floats(p),
        "recall": floats(r),
        "f1": floats(f),
        "support": ints(s),
        "macro": {"precision": float(mp), "recall": float(mr), "f1": float(mf)},
        "f1_macro": float(M.f1_score(y_true, y_pred, average="macro")),
    }


def binary_case(name, y_true, p, threshold=0.5):
    y_true = np.asarray(y_true, dtype=int)
    p = np.asarray(p, dtype=float)
    y_pred = (p >= threshold).astype(int)
    out = {"name": name, "y_true": ints(y_true), "p_positive": floats(p), "threshold": threshold, "y_pred": ints(y_pred)}
    out.update(per_class(y_true.tolist(), y_pred.tolist()))
    out["f1_binary"] = float(M.f1_score(y_true, y_pred, pos_label=1, zero_division="warn"))
    out["log_loss"] = float(M.log_loss(y_true, p, labels=[0, 1]))
    fpr, tpr, thr = M.roc_curve(y_true, p, drop_intermediate=False)
    out["roc_auc"] = float(M.roc_auc_score(y_true, p))
    out["roc_curve"] = {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": floats(thr)}
    prec, rec, pthr = M.precision_recall_curve(y_true, p, drop_intermediate=False)
    out["pr_curve"] = {"precision": floats(prec), "recall": floats(rec), "thresholds": floats(pthr)}
    out["average_precision"] = float(M.average_precision_score(y_true, p))
    return out


def regression_case(name, y, yhat):
    y = np.asarray(y, dtype=float)
    yhat = np.asarray(yhat, dtype=float)
    return {
        "name": name,
        "y_true": floats(y),
        "y_pred": floats(yhat),
        "mae": float(M.mean_absolute_error(y, yhat)),
        "mse": float(M.mean_squared_error(y, yhat)),
        "rmse": float(M.root_mean_squared_error(y, yhat)),
        "r2": float(M.r2_score(y, yhat)),
        "residuals": floats(y - yhat),
    }


def make_binary(rng):
    n = 200
    y = rng.integers(0, 2, n)
    raw = 1 / (1 + np.exp(-(1.2 * (2 * y - 1) + rng.normal(0, 1.3, n))))
    return binary_case("binary-200", y, np.round(raw, 2))


def make_multiclass(rng):
    n, labels = 150, ["cat", "dog", "eel"]
    rows = rng.dirichlet([1.0, 1.0, 1.0], n)
    probs = np.empty_like(rows)
    probs[:, 0] = np.floor(rows[:, 0] * 100) / 100
    probs[:, 1] = np.floor(rows[:, 1] * 100) / 100
    probs[:, 2] = 1 - probs[:, 0] - probs[:, 1]
    sharp = probs**3 / (probs**3).sum(axis=1, keepdims=True)
    y_idx = np.array([rng.choice(3, p=row) for row in sharp])
    y_true = [labels[i] for i in y_idx]
    y_pred = [labels[i] for i in np.argmax(probs, axis=1)]
    out = {"name": "multiclass-150", "y_true": y_true, "probabilities": probs.tolist(), "class_order": labels, "y_pred": y_pred}
    out.update(per_class(y_true, y_pred))
    out["log_loss"] = float(M.log_loss(y_true, probs, labels=labels))
    out["roc_auc_ovr_macro"] = float(M.roc_auc_score(y_true, probs, multi_class="ovr", average="macro", labels=labels))
    out["roc_auc_ovr_per_class"] = floats(M.roc_auc_score(y_true, probs, multi_class="ovr", average=None, labels=labels))
    return out


def make_regression(rng):
    n = 200
    x = rng.uniform(-5, 5, n)
    y = 3.0 * x + 1.5 + rng.normal(0, 2.0, n)
    yhat = 2.8 * x + 1.0 + rng.normal(0, 0.5, n)
    return regression_case("regression-200", y, yhat)


def make_edges(rng):
    y = np.array([0, 0, 1, 1, 0, 1, 0, 1])
    binary = [
        binary_case("perfect", y, np.where(y == 1, 1.0, 0.0)),
        binary_case("all-wrong", y, np.where(y == 1, 0.1, 0.9)),
        binary_case("ties-everywhere", y, np.full(len(y), 0.5)),
    ]
    c = np.full(6, 4.0)
    x = rng.uniform(0, 1, 50)
    regression = [
        regression_case("constant-target-exact", c, c),
        regression_case("constant-target-inexact", c, c + np.array([0.5, -0.5, 0, 0, 1, 0])),
        regression_case("large-offset", 1e9 + x, 1e9 + x + rng.normal(0, 0.01, 50)),
    ]
    return {"binary": binary, "regression": regression}


def write(name, obj):
    obj = {"_meta": META, **obj}
    (OUT / name).write_text(json.dumps(obj, indent=1, allow_nan=False) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261123)
    write("binary.json", make_binary(rng))
    write("multiclass.json", make_multiclass(rng))
    write("regression.json", make_regression(rng))
    write("edge-cases.json", make_edges(rng))


if __name__ == "__main__":
    main()
