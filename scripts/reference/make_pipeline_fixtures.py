#!/usr/bin/env python3
"""Writes Keel's preprocessing-pipeline fixtures, with the reference values from scikit-learn.

packages/ml/src/pipeline/pipeline.test.ts holds Keel's fitPipeline/transform against this file:
every expected number comes from scikit-learn / pandas, independently of Keel's code. CI does not
run this script (it has no Python); its output is committed. Run it again only to change the
fixture, then commit what it wrote.

Generated with scikit-learn 1.9.1, numpy 2.4.6, pandas 3.0.6 (Python 3.11). How to run, from
the repository root:

    python3 -m venv /tmp/pyref
    /tmp/pyref/bin/pip install "scikit-learn==1.9.*" numpy pandas
    /tmp/pyref/bin/python scripts/reference/make_pipeline_fixtures.py

It writes test/fixtures/pipeline/mixed.json: a small mixed train/test table (numeric, integer,
boolean and categorical columns) with missing values (null) and, in the test rows, categories
never seen in training. Expected values, fitted on the training rows only:
    numeric/integer  SimpleImputer(strategy="mean") then StandardScaler() (ddof=0)
    categorical      SimpleImputer(strategy="most_frequent") (ties -> smallest) then
                     OneHotEncoder(handle_unknown="ignore") (categories sorted): an unseen
                     test value gives all zeros
    boolean          not an sklearn step: pandas mode (ties -> smallest) fill, then 0/1
Output columns are named as Keel names them: the column name for numeric and boolean columns,
"name=value" for one-hot columns (Keel's extra "name=<unknown>" bucket is not here).
"""

import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

OUT = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "pipeline"
META = {"generator": "scripts/reference/make_pipeline_fixtures.py", "sklearn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__}

FEATURES = [
    {"name": "age", "type": "numeric"},
    {"name": "income", "type": "numeric"},
    {"name": "visits", "type": "integer"},
    {"name": "constant", "type": "numeric"},
    {"name": "member", "type": "boolean"},
    {"name": "color", "type": "categorical"},
    {"name": "city", "type": "text"},
]
NUMERIC = [f["name"] for f in FEATURES if f["type"] in ("numeric", "integer")]
CATEGORICAL = [f["name"] for f in FEATURES if f["type"] in ("categorical", "text")]
BOOLEAN = [f["name"] for f in FEATURES if f["type"] == "boolean"]

N = None
TRAIN = {
    "age": [34.5, 51.25, N, 28.0, 45.75, 62.0, N, 39.5, 23.125, 57.0, 41.0, 36.3],
    "income": [52000.5, 71000.25, 38000.0, 45500.0, N, 99000.75, 61000.0, 58000.5, 33000.0, 88000.0, 47000.0, 52500.125],
    "visits": [3, 7, 1, N, 12, 4, 4, 9, 0, 2, 6, 5],
    "constant": [2.5] * 12,
    "member": [True, False, True, N, False, True, False, False, True, N, True, False],
    # blue and red tie at 4 (most_frequent -> "blue"); one missing
    "color": ["red", "blue", "green", "red", N, "blue", "red", "blue", "green", "blue", "red", "amber"],
    "city": ["Oslo", "Lima", "Oslo", "Kyiv", "Lima", N, "Oslo", "Kyiv", "Oslo", "Lima", "Kyiv", "Lima"],
}
TEST = {
    "age": [30.0, N, 70.5, 44.4, 18.0, 50.0],
    "income": [N, 120000.0, 41000.5, 60000.0, 25000.0, 75000.25],
    "visits": [2, 15, N, 5, 0, 8],
    "constant": [2.5, 2.5, N, 3.0, 2.5, 2.5],
    "member": [False, N, True, True, False, N],
    "color": ["green", "purple", N, "red", "amber", "blue"],
    "city": ["Lima", "Oslo", "Paris", N, "Kyiv", "Tokyo"],
}


def frame(data, cols, dtype):
    return pd.DataFrame({c: pd.Series([np.nan if v is None else v for v in data[c]], dtype=dtype) for c in cols})


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def records(data):
    n = len(next(iter(data.values())))
    return [{f["name"]: data[f["name"]][i] for f in FEATURES} for i in range(n)]


def main():
    out = {"meta": META, "features": FEATURES, "train": records(TRAIN), "test": records(TEST)}

    num_train, num_test = frame(TRAIN, NUMERIC, float), frame(TEST, NUMERIC, float)
    imp = SimpleImputer(strategy="mean").fit(num_train)
    scaler = StandardScaler().fit(imp.transform(num_train))
    num_out = scaler.transform(imp.transform(num_test))
    num_train_out = scaler.transform(imp.transform(num_train))

    cat_train, cat_test = frame(TRAIN, CATEGORICAL, object), frame(TEST, CATEGORICAL, object)
    cimp = SimpleImputer(strategy="most_frequent").fit(cat_train)
    enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(cimp.transform(cat_train))
    cat_out = enc.transform(cimp.transform(cat_test))
    cat_train_out = enc.transform(cimp.transform(cat_train))
    onehot_names = [f"{c}={v}" for c, cats in zip(CATEGORICAL, enc.categories_) for v in cats]

    bool_fill = {}
    bool_out, bool_train_out = {}, {}
    for c in BOOLEAN:
        s = pd.Series(TRAIN[c], dtype="boolean")
        bool_fill[c] = int(min(s.mode()))
        bool_train_out[c] = [float(bool_fill[c] if v is None else int(v)) for v in TRAIN[c]]
        bool_out[c] = [float(bool_fill[c] if v is None else int(v)) for v in TEST[c]]

    columns = NUMERIC + BOOLEAN + onehot_names

    def table(num, boo, cat):
        cols = {n: num[:, j] for j, n in enumerate(NUMERIC)}
        cols.update({n: np.asarray(v) for n, v in boo.items()})
        cols.update({n: cat[:, j] for j, n in enumerate(onehot_names)})
        return {n: floats(cols[n]) for n in columns}

    out["expected"] = {
        "numeric": {
            "columns": NUMERIC,
            "imputer_statistics": floats(imp.statistics_),
            "scaler_mean": floats(scaler.mean_),
            "scaler_scale": floats(scaler.scale_),
        },
        "categorical": {
            "columns": CATEGORICAL,
            "imputer_statistics": [str(v) for v in cimp.statistics_],
            "categories": [[str(v) for v in cats] for cats in enc.categories_],
        },
        "boolean_fill": bool_fill,
        "columns": columns,
        "train": table(num_train_out, bool_train_out, cat_train_out),
        "test": table(num_out, bool_out, cat_out),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "mixed.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
