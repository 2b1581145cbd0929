#!/usr/bin/env python3
"""Writes the scikit-learn reference accuracies that Keel's trainer is held to.

packages/ml/src/models/acceptance.test.ts trains Keel's logistic and mlp models with
trainTabular on the Wisconsin breast-cancer data (test/fixtures/datasets/breast-cancer.csv,
569 rows, 30 numeric features, binary target "diagnosis") and requires each test accuracy to be
within 0.02 of scikit-learn's on the SAME rows. CI does not run this script (it has no
Python); its output is committed. Run it again only to change the fixture, then commit it.

The rows come from test/fixtures/training/breast-cancer.split.json, written by Keel itself
(npx tsx scripts/reference/export_training_split.ts): Keel's seeded, stratified split
(test 0.2, validation 0.1, seed 42). scikit-learn fits on the train rows only (Keel's
validation rows only steer its early stopping), with StandardScaler fitted on those rows, and
is scored on the test rows:
    logistic   StandardScaler() + LogisticRegression()             (sklearn defaults: C=1, lbfgs)
    mlp        StandardScaler() + MLPClassifier(hidden_layer_sizes=(64, 32), random_state=0,
               max_iter=2000)  (Keel's mlp default layers; otherwise sklearn defaults: relu,
               adam lr 0.001, alpha 0.0001)
For information it also records the accuracies when fitting on train + validation rows.

Generated with scikit-learn 1.9.1, pandas 3.0.6 (Python 3.11). From the repository root:

    python3 -m venv /tmp/pyref
    /tmp/pyref/bin/pip install "scikit-learn==1.9.*" pandas
    /tmp/pyref/bin/python scripts/reference/make_training_fixtures.py
"""

import json
import pathlib
import platform

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test" / "fixtures" / "training"
HIDDEN = (64, 32)


def models():
    return {
        "logistic": lambda: make_pipeline(StandardScaler(), LogisticRegression()),
        "mlp": lambda: make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=HIDDEN, random_state=0, max_iter=2000)),
    }


def main() -> None:
    split = json.loads((FIXTURES / "breast-cancer.split.json").read_text())
    df = pd.read_csv(ROOT / split["dataset"])
    target = split["target"]
    X = df.drop(columns=[target]).to_numpy(dtype=np.float64)
    y = df[target].to_numpy()
    train, validation, test = (np.array(split[k], dtype=int) for k in ("train", "validation", "test"))
    assert len(df) == split["rows"]
    train_val = np.sort(np.concatenate([train, validation]))
    out = {
        "generator": "scripts/reference/make_training_fixtures.py",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": platform.python_version(),
        "dataset": split["dataset"],
        "target": target,
        "split": {"file": "test/fixtures/training/breast-cancer.split.json", "train": len(train), "validation": len(validation), "test": len(test), "seed": split["seed"]},
        "how": (
            "Keel's split (breast-cancer.split.json). Each model is a scikit-learn pipeline StandardScaler() + "
            "LogisticRegression() (defaults) or StandardScaler() + MLPClassifier(hidden_layer_sizes=(64, 32), "
            "random_state=0, max_iter=2000), fitted on the train rows only (the scaler too) and scored with "
            "accuracy_score on the test rows. accuracyTrainValidation: the same, fitted on train + validation rows."
        ),
        "models": {},
    }
    for name, make in models().items():
        fitted = make().fit(X[train], y[train])
        fitted_tv = make().fit(X[train_val], y[train_val])
        out["models"][name] = {
            "accuracy": float(accuracy_score(y[test], fitted.predict(X[test]))),
            "accuracyTrainValidation": float(accuracy_score(y[test], fitted_tv.predict(X[test]))),
        }
    out["models"]["mlp"]["hiddenLayers"] = list(HIDDEN)
    path = FIXTURES / "breast-cancer.reference.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT)}: {json.dumps(out['models'])}")


if __name__ == "__main__":
    main()
