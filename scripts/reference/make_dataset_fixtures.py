#!/usr/bin/env python3
"""Writes Keel's dataset fixtures and their reference profiles, computed with pandas/numpy.

The reference profiles are what packages/ml/src/tabular/profile.test.ts holds Keel's profiler
against: every number here comes from pandas/numpy reading the written files back, independently
of Keel's TypeScript code. CI does not run this script (it has no Python); its outputs are
committed. Run it again only to change the fixtures, then commit what it wrote.

How to run, from the repository root (any Python 3.10+):

    python3 -m venv /tmp/pyref
    /tmp/pyref/bin/pip install "pandas>=2" numpy scikit-learn pyarrow
    /tmp/pyref/bin/python scripts/reference/make_dataset_fixtures.py

It writes into test/fixtures/datasets/:
    breast-cancer.csv             scikit-learn's copy of the Breast Cancer Wisconsin (Diagnostic)
                                  data (569 rows, 30 numeric features, `diagnosis`)
    breast-cancer.reference.json
    mixed.csv, mixed.jsonl, mixed.parquet
                                  200 seeded rows: integers with missing values, floats with
                                  negatives, missing values and an `inf`, booleans, a categorical,
                                  ISO dates, free text and a constant column
    mixed.reference.json

Conventions Keel documents and this script follows (so that "equal" is meaningful):
  - missing = pandas' default NA strings and empty fields (read_csv defaults);
  - ±inf in a numeric column counts as missing (`nonFinite`), where pandas would keep it: the
    script drops it before computing moments, quantiles and the histogram;
  - quantiles = numpy.quantile(values, q) ("linear"), histogram = numpy.histogram(values, 20),
    std = ddof 1, distinct = nunique, top values = value_counts, ties by value, at most 20;
  - booleans are reported as "true"/"false"; dates' min/max are the values as written.
"""

from __future__ import annotations

import csv
import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sklearn.datasets import load_breast_cancer

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "datasets"
QUANTILES = {"p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}


# --------------------------------------------------------------------------------- reference


def numeric_reference(series: pd.Series) -> dict:
    values = pd.to_numeric(series, errors="raise").astype("float64")
    non_finite = int(np.isinf(values).sum())
    finite = values[np.isfinite(values)]
    arr = finite.to_numpy(dtype="float64")  # file order, missing and ±inf dropped
    out: dict = {
        "count": int(arr.size),
        "missing": int(len(series) - arr.size),
        "nonFinite": non_finite,
        "distinct": int(finite.nunique()),
    }
    if arr.size == 0:
        return out
    mean = float(np.mean(arr))
    std = float(np.std(arr, ddof=1)) if arr.size > 1 else None
    # pandas' own mean/std must agree (they are the numbers the issue asks Keel to match).
    assert math.isclose(mean, float(finite.mean()), rel_tol=1e-12, abs_tol=1e-12)
    if std is not None:
        assert math.isclose(std, float(finite.std(ddof=1)), rel_tol=1e-12, abs_tol=1e-12)
    counts, edges = np.histogram(arr, bins=20)
    q = np.quantile(arr, list(QUANTILES.values()))
    out.update(
        {
            "min": float(arr.min()),
            "max": float(arr.max()),
            "mean": mean,
            "std": std,
            "quantiles": {name: float(v) for name, v in zip(QUANTILES, q)},
            "histogram": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]},
        }
    )
    return out


def top_values(values: pd.Series) -> list[dict]:
    counts = values.value_counts()
    pairs = sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0]))
    return [{"value": k, "count": v} for k, v in pairs[:20]]


def string_reference(series: pd.Series, *, boolean: bool = False) -> dict:
    present = series.dropna()
    if boolean:
        present = present.map(lambda v: "true" if v is True or str(v).lower() == "true" else "false")
    else:
        present = present.astype(str)
    return {
        "count": int(present.size),
        "missing": int(len(series) - present.size),
        "nonFinite": 0,
        "distinct": int(present.nunique()),
        "topValues": top_values(present),
    }


def datetime_reference(series: pd.Series) -> dict:
    present = series.dropna().astype(str)
    stamps = pd.to_datetime(present, format="ISO8601")
    return {
        "count": int(present.size),
        "missing": int(len(series) - present.size),
        "nonFinite": 0,
        "distinct": int(stamps.nunique()),
        "min": present.iloc[int(np.argmin(stamps.to_numpy()))],
        "max": present.iloc[int(np.argmax(stamps.to_numpy()))],
    }


def reference(frame: pd.DataFrame, types: dict[str, str]) -> dict:
    columns = []
    for name in frame.columns:
        kind = types[name]
        if kind in ("numeric", "integer"):
            stats = numeric_reference(frame[name])
        elif kind == "datetime":
            stats = datetime_reference(frame[name])
        else:
            stats = string_reference(frame[name], boolean=kind == "boolean")
        columns.append({"name": name, "type": kind, **stats})
    return {"rowCount": int(len(frame)), "columns": columns}


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- breast cancer


def breast_cancer() -> None:
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.drop(columns=["target"]).copy()
    frame["diagnosis"] = [str(data.target_names[t]) for t in data.target]
    path = OUT / "breast-cancer.csv"
    frame.to_csv(path, index=False, lineterminator="\n")  # floats as repr: they read back exactly
    back = pd.read_csv(path)
    types = {name: "numeric" for name in back.columns}
    types["diagnosis"] = "categorical"
    write_json(
        OUT / "breast-cancer.reference.json",
        {
            "source": "scikit-learn load_breast_cancer (UCI Breast Cancer Wisconsin (Diagnostic), CC BY 4.0)",
            "file": "breast-cancer.csv",
            "profile": reference(back, types),
        },
    )


# ------------------------------------------------------------------------------------ mixed

MIXED_TYPES = {
    "id": "integer",
    "age": "integer",
    "score": "numeric",
    "active": "boolean",
    "segment": "categorical",
    "signup_date": "datetime",
    "comment": "text",
    "constant": "integer",
}
NA_SPELLINGS = ["", "", "", "NA", "NaN", "null", "N/A", "None"]
WORDS = (
    "data model drift label feature batch window metric signal sample report value "
    "quality train score deploy review audit stable shift churn"
).split()


def mixed_rows(rng: np.random.Generator) -> list[dict]:
    rows = []
    segments = ["bronze", "silver", "gold", "platinum", "enterprise"]
    start = np.datetime64("2022-01-01")
    for i in range(200):
        words = rng.choice(WORDS, size=int(rng.integers(3, 8)))
        comment = " ".join(words).capitalize()
        if i % 9 == 0:
            comment += ', "quoted", with commas'
        rows.append(
            {
                "id": i + 1,
                "age": None if rng.random() < 0.1 else int(rng.integers(18, 91)),
                "score": None if rng.random() < 0.08 else round(float(rng.normal(0, 50)), 3),
                "active": None if rng.random() < 0.03 else bool(rng.random() < 0.6),
                "segment": None if rng.random() < 0.05 else segments[int(rng.choice(5, p=[0.35, 0.3, 0.2, 0.1, 0.05]))],
                "signup_date": None if rng.random() < 0.05 else str(start + int(rng.integers(0, 1096))),
                "comment": comment if rng.random() > 0.04 else None,
                "constant": 7,
            }
        )
    rows[16]["score"] = math.inf  # one `inf`: Keel counts it as missing (nonFinite)
    return rows


def csv_cell(name: str, value, i: int) -> str:
    if value is None:
        return NA_SPELLINGS[i % len(NA_SPELLINGS)]
    if isinstance(value, bool):
        return ["true", "false", "True", "False", "TRUE", "FALSE"][(0 if value else 1) + 2 * (i % 3)]
    if isinstance(value, float):
        return "inf" if math.isinf(value) else repr(value)
    return str(value)


def mixed() -> None:
    rows = mixed_rows(np.random.default_rng(20240611))
    names = list(MIXED_TYPES)
    with (OUT / "mixed.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        for i, row in enumerate(rows):
            writer.writerow([csv_cell(n, row[n], i) for n in names])
    with (OUT / "mixed.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            # JSON has no inf: it is written as null (missing, not nonFinite, in this format).
            clean = {k: (None if isinstance(v, float) and math.isinf(v) else v) for k, v in row.items()}
            f.write(json.dumps(clean, allow_nan=False) + "\n")
    table = pa.table(
        {
            "id": pa.array([r["id"] for r in rows], pa.int64()),
            "age": pa.array([r["age"] for r in rows], pa.int64()),
            "score": pa.array([r["score"] for r in rows], pa.float64()),
            "active": pa.array([r["active"] for r in rows], pa.bool_()),
            "segment": pa.array([r["segment"] for r in rows], pa.string()),
            "signup_date": pa.array(
                [None if r["signup_date"] is None else date.fromisoformat(r["signup_date"]) for r in rows], pa.date32()
            ),
            "comment": pa.array([r["comment"] for r in rows], pa.string()),
            "constant": pa.array([r["constant"] for r in rows], pa.int64()),
        }
    )
    pq.write_table(table, OUT / "mixed.parquet", compression="snappy")

    # The reference is computed from the CSV as pandas reads it (default NA strings).
    back = pd.read_csv(OUT / "mixed.csv", dtype={"signup_date": str, "comment": str, "segment": str})
    profile = reference(back, MIXED_TYPES)
    # Cross-check the other formats hold the same data as pandas reads them.
    jsonl = pd.read_json(OUT / "mixed.jsonl", lines=True, dtype=False, convert_dates=False, precise_float=True)
    parquet = pd.read_parquet(OUT / "mixed.parquet")
    for name in ("id", "age", "constant"):
        assert jsonl[name].astype("float64").equals(back[name].astype("float64")), name
        assert parquet[name].astype("float64").equals(back[name].astype("float64")), name
    finite = back["score"].where(np.isfinite(back["score"]))
    assert jsonl["score"].astype("float64").equals(finite), "score"
    write_json(
        OUT / "mixed.reference.json",
        {
            "source": "generated by scripts/reference/make_dataset_fixtures.py (numpy seed 20240611)",
            "file": "mixed.csv",
            "formats": {
                "jsonl": "same data; `inf` is written as null, so score has nonFinite 0 (missing unchanged)",
                "parquet": "same data with native types; signup_date is a DATE column (min/max as timestamps)",
            },
            "profile": profile,
        },
    )


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    breast_cancer()
    mixed()
    print(f"wrote fixtures and references to {OUT.relative_to(ROOT)}")
