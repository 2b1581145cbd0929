"use client";

import type { LaunchRunInput, LaunchSweepInput } from "@keel/api";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { Alert, Button, Card, Field, Input, Select } from "~/components/ui";
import { formatShape } from "~/lib/format-data";
import { useTRPC } from "~/trpc/react";
import { runPath } from "./paths";
import { defaultSweepMetric, detectTask, familiesFor, parseLayers, type FamilyName, type ModelTaskName } from "./task";

type Hyperparams = NonNullable<LaunchRunInput["model"]["hyperparams"]>;
type SearchSpace = LaunchSweepInput["search"]["space"];
type SpaceValue = SearchSpace[string];

const ACTIVATIONS = ["relu", "tanh", "sigmoid", "elu", "selu", "linear"] as const;
const OPTIMIZERS = ["adam", "sgd", "rmsprop", "adagrad"] as const;
const TASK_LABELS: Record<ModelTaskName, string> = { binary: "Binary classification", multiclass: "Multiclass classification", regression: "Regression" };
const FAMILY_LABELS: Record<FamilyName, string> = { logistic: "Logistic regression", linear: "Linear regression", mlp: "Neural network (MLP)" };

/** Hyperparameters a sweep may vary, and how their values are typed. */
const SPACE_PARAMS = [
  { name: "learningRate", kind: "number", mlpOnly: false, example: "0.001, 0.01, 0.1", min: "0.0001", max: "0.1", dist: "loguniform" },
  { name: "l2", kind: "number", mlpOnly: false, example: "0, 0.0001, 0.001", min: "0.00001", max: "0.01", dist: "loguniform" },
  { name: "batchSize", kind: "int", mlpOnly: false, example: "16, 32, 64", min: "16", max: "128", dist: "int" },
  { name: "epochs", kind: "int", mlpOnly: false, example: "50, 100, 200", min: "50", max: "300", dist: "int" },
  { name: "dropout", kind: "number", mlpOnly: true, example: "0, 0.2, 0.4", min: "0", max: "0.5", dist: "uniform" },
  { name: "hiddenLayers", kind: "layers", mlpOnly: true, example: "64; 64,32; 128,64", min: "", max: "", dist: "choice" },
  { name: "optimizer", kind: "choice", mlpOnly: false, example: "adam, sgd", min: "", max: "", dist: "choice" },
  { name: "activation", kind: "choice", mlpOnly: true, example: "relu, tanh", min: "", max: "", dist: "choice" },
] as const;
type SpaceParamName = (typeof SPACE_PARAMS)[number]["name"];
interface SpaceRow {
  on: boolean;
  list: string;
  min: string;
  max: string;
  dist: string;
}

function initialSpace(): Record<SpaceParamName, SpaceRow> {
  const out = {} as Record<SpaceParamName, SpaceRow>;
  for (const p of SPACE_PARAMS) out[p.name] = { on: p.name === "learningRate", list: p.example, min: p.min, max: p.max, dist: p.dist };
  return out;
}

const num = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s));

export function LaunchForm({ project, experiment }: { project: string; experiment: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const hydrated = useHydrated();

  const [dataset, setDataset] = useState("");
  const [version, setVersion] = useState<number | null>(null);
  const [target, setTarget] = useState("");
  const [taskOverride, setTaskOverride] = useState<ModelTaskName | "">("");
  const [excluded, setExcluded] = useState<string[]>([]);
  const [family, setFamily] = useState<FamilyName | "">("");
  const [name, setName] = useState("");
  const [hp, setHp] = useState({ hiddenLayers: "64,32", activation: "relu", dropout: "", l2: "", optimizer: "", learningRate: "", batchSize: "", epochs: "", patience: "10", classWeight: "none" });
  const [earlyStopping, setEarlyStopping] = useState(true);
  const [split, setSplit] = useState({ test: "0.2", validation: "0.1", seed: "42", folds: "" });
  const [sweep, setSweep] = useState(false);
  const [method, setMethod] = useState<"grid" | "random">("grid");
  const [space, setSpace] = useState(initialSpace);
  const [trials, setTrials] = useState("8");
  const [parallelism, setParallelism] = useState("2");
  const [metric, setMetric] = useState("");
  const [goal, setGoal] = useState<"maximize" | "minimize" | "">("");
  const [median, setMedian] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);

  const datasets = useQuery(trpc.datasets.list.queryOptions({ project, limit: 100 }));
  const chosenDataset = dataset || datasets.data?.items.find((d) => d.latestVersion)?.name || "";
  const versions = useQuery({ ...trpc.datasets.listVersions.queryOptions({ project, dataset: chosenDataset }), enabled: chosenDataset !== "" });
  const chosenVersion = version ?? versions.data?.items[0]?.version ?? null;
  const detail = useQuery({
    ...trpc.datasets.getVersion.queryOptions({ project, dataset: chosenDataset, version: chosenVersion ?? 1 }),
    enabled: chosenDataset !== "" && chosenVersion !== null,
  });
  const v = detail.data;
  const columns = v?.columns ?? [];
  const chosenTarget = target && columns.some((c) => c.name === target) ? target : (columns.at(-1)?.name ?? "");
  const profile = v?.profile.columns.find((c) => c.name === chosenTarget);
  const detected = detectTask(profile);
  const task: ModelTaskName = taskOverride || detected || "binary";
  const families = familiesFor(task);
  const chosenFamily: FamilyName = family && families.includes(family) ? family : (families[0] ?? "mlp");
  const isMlp = chosenFamily === "mlp";
  const featureOptions = columns.filter((c) => c.name !== chosenTarget);
  const features = featureOptions.filter((c) => c.type !== "datetime" && !excluded.includes(c.name)).map((c) => c.name);
  const sweepDefaults = defaultSweepMetric(task);

  const launchRun = useMutation(trpc.experiments.launchRun.mutationOptions({ onSuccess: (r) => router.push(runPath(project, experiment, r.id)) }));
  const launchSweep = useMutation(trpc.experiments.launchSweep.mutationOptions({ onSuccess: (r) => router.push(runPath(project, experiment, r.id)) }));
  const pending = launchRun.isPending || launchSweep.isPending || launchRun.isSuccess || launchSweep.isSuccess;
  const serverError = launchRun.error?.message ?? launchSweep.error?.message ?? null;

  const buildHyperparams = (): Hyperparams | string => {
    const out: Hyperparams = {};
    if (isMlp) {
      const layers = parseLayers(hp.hiddenLayers);
      if (!layers) return "Hidden layers: give the units of each layer, separated by commas (e.g. 64,32).";
      out.hiddenLayers = layers;
      out.activation = hp.activation as (typeof ACTIVATIONS)[number];
      const dropout = num(hp.dropout);
      if (dropout !== undefined) out.dropout = dropout;
    }
    const l2 = num(hp.l2);
    if (l2 !== undefined) out.l2 = l2;
    if (hp.optimizer) out.optimizer = hp.optimizer as (typeof OPTIMIZERS)[number];
    const lr = num(hp.learningRate);
    if (lr !== undefined) out.learningRate = lr;
    const bs = num(hp.batchSize);
    if (bs !== undefined) out.batchSize = bs;
    const epochs = num(hp.epochs);
    if (epochs !== undefined) out.epochs = epochs;
    out.earlyStopping = earlyStopping ? { patience: num(hp.patience) ?? 10 } : false;
    if (task !== "regression" && hp.classWeight === "balanced") out.classWeight = "balanced";
    return out;
  };

  const buildSpace = (): SearchSpace | string => {
    const out: SearchSpace = {};
    for (const p of SPACE_PARAMS) {
      const row = space[p.name];
      if (!row.on || (p.mlpOnly && !isMlp)) continue;
      let spec: SpaceValue;
      if (p.kind === "layers") {
        const lists = row.list.split(";").map((s) => parseLayers(s));
        if (lists.some((l) => l === null)) return `${p.name}: list layer sizes separated by ';' (e.g. 64; 64,32).`;
        const values = lists.filter((l): l is number[] => l !== null);
        spec = method === "grid" ? values : { type: "choice", values };
      } else if (p.kind === "choice") {
        const values = row.list.split(",").map((s) => s.trim()).filter(Boolean);
        spec = method === "grid" ? values : { type: "choice", values };
      } else if (method === "grid") {
        const values = row.list.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
        if (values.some((x) => !Number.isFinite(x))) return `${p.name}: list numbers separated by commas (e.g. ${p.example}).`;
        spec = values;
      } else {
        const min = Number(row.min);
        const max = Number(row.max);
        if (!Number.isFinite(min) || !Number.isFinite(max) || row.min === "" || row.max === "") return `${p.name}: give a min and a max.`;
        spec = row.dist === "int" ? { type: "int", min, max } : row.dist === "loguniform" ? { type: "loguniform", min, max } : { type: "uniform", min, max };
      }
      out[p.name] = spec;
    }
    if (Object.keys(out).length === 0) return "Choose at least one hyperparameter for the sweep to vary.";
    return out;
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setLocalError(null);
    launchRun.reset();
    launchSweep.reset();
    if (!v) return setLocalError("Choose a dataset version first.");
    if (features.length === 0) return setLocalError("Choose at least one feature column.");
    const hyperparams = buildHyperparams();
    if (typeof hyperparams === "string") return setLocalError(hyperparams);
    const folds = num(split.folds);
    const input: LaunchRunInput = {
      project,
      experiment,
      datasetVersionId: v.id,
      target: chosenTarget,
      features,
      task,
      model: { family: chosenFamily, hyperparams },
      split: { test: Number(split.test), validation: Number(split.validation), seed: Number(split.seed), ...(folds !== undefined ? { folds } : {}) },
      ...(name.trim() ? { name: name.trim() } : {}),
    };
    if (!sweep) return launchRun.mutate(input);
    const s = buildSpace();
    if (typeof s === "string") return setLocalError(s);
    launchSweep.mutate({
      ...input,
      search: {
        method,
        space: s,
        ...(num(trials) !== undefined ? { trials: Number(trials) } : {}),
        parallelism: Number(parallelism) || 2,
        metric: metric.trim() || sweepDefaults.metric,
        goal: goal || sweepDefaults.goal,
        earlyTermination: median ? { rule: "median" } : null,
      },
    });
  };

  const setH = (key: keyof typeof hp) => (value: string) => setHp((h) => ({ ...h, [key]: value }));
  const error = localError ?? serverError;

  return (
    <form onSubmit={submit} noValidate className="space-y-6" data-testid="launch-form">
      <Card title="Data" description="The dataset version to learn from, the column to predict and the columns to learn it from.">
        <div className="grid gap-4 sm:grid-cols-3">
          <Field id="launch-dataset" label="Dataset">
            <Select
              id="launch-dataset"
              value={chosenDataset}
              onChange={(e) => {
                setDataset(e.target.value);
                setVersion(null);
                setTarget("");
                setExcluded([]);
              }}
            >
              {datasets.isPending ? <option value="">Loading…</option> : null}
              {datasets.data?.items.filter((d) => d.latestVersion).map((d) => (
                <option key={d.id} value={d.name}>
                  {d.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="launch-version" label="Version">
            <Select id="launch-version" value={chosenVersion ?? ""} onChange={(e) => setVersion(Number(e.target.value))}>
              {versions.data?.items.map((x) => (
                <option key={x.id} value={x.version}>
                  v{x.version} · {formatShape(x.rowCount, x.columnCount)} · quality {x.qualityStatus}
                  {x.qualityOverridden ? " (overridden)" : ""}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="launch-target" label="Target">
            <Select
              id="launch-target"
              value={chosenTarget}
              onChange={(e) => {
                setTarget(e.target.value);
                setTaskOverride("");
              }}
            >
              {columns.map((c) => (
                <option key={c.name} value={c.name} disabled={c.type === "datetime"}>
                  {c.name} ({c.type})
                </option>
              ))}
            </Select>
          </Field>
          <Field
            id="launch-task"
            label="Task"
            hint={detected ? `Detected: ${TASK_LABELS[detected]} (${profile?.type}, ${profile?.distinct} distinct values)` : "Choose the task"}
          >
            <Select id="launch-task" value={task} onChange={(e) => setTaskOverride(e.target.value as ModelTaskName)} data-testid="launch-task">
              {(Object.keys(TASK_LABELS) as ModelTaskName[]).map((t) => (
                <option key={t} value={t}>
                  {TASK_LABELS[t]}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="launch-name" label="Run name (optional)" className="sm:col-span-2">
            <Input id="launch-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="e.g. logistic-baseline" autoComplete="off" />
          </Field>
        </div>
        {featureOptions.length > 0 ? (
          <fieldset className="mt-5">
            <legend className="text-sm font-medium text-zinc-800">
              Features <span className="font-normal text-zinc-500">({features.length} of {featureOptions.length})</span>
            </legend>
            <div className="mt-1 mb-2 flex gap-3 text-xs">
              <button type="button" className="text-accent-700 hover:underline" onClick={() => setExcluded([])}>
                All
              </button>
              <button type="button" className="text-accent-700 hover:underline" onClick={() => setExcluded(featureOptions.map((c) => c.name))}>
                None
              </button>
            </div>
            <div className="grid max-h-64 gap-x-4 gap-y-1 overflow-y-auto sm:grid-cols-3 lg:grid-cols-4">
              {featureOptions.map((c) => (
                <label key={c.name} className={`flex items-center gap-2 text-sm ${c.type === "datetime" ? "text-zinc-400" : "text-zinc-800"}`}>
                  <input
                    type="checkbox"
                    className="size-4 accent-accent-600"
                    disabled={c.type === "datetime"}
                    checked={c.type !== "datetime" && !excluded.includes(c.name)}
                    onChange={(e) => setExcluded((x) => (e.target.checked ? x.filter((n) => n !== c.name) : [...x, c.name]))}
                  />
                  <span className="truncate font-mono text-xs" title={c.type === "datetime" ? "Datetime columns cannot be features yet" : c.type}>
                    {c.name}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        ) : null}
      </Card>

      <Card title="Model" description="The family and its hyperparameters; empty fields take the family's defaults.">
        <div className="grid gap-4 sm:grid-cols-4">
          <Field id="launch-family" label="Model family" className="sm:col-span-2">
            <Select id="launch-family" value={chosenFamily} onChange={(e) => setFamily(e.target.value as FamilyName)}>
              {families.map((f) => (
                <option key={f} value={f}>
                  {FAMILY_LABELS[f]}
                </option>
              ))}
            </Select>
          </Field>
          {isMlp ? (
            <>
              <Field id="hp-hidden" label="Hidden layers" hint="Units per layer, e.g. 64,32">
                <Input id="hp-hidden" value={hp.hiddenLayers} onChange={(e) => setH("hiddenLayers")(e.target.value)} />
              </Field>
              <Field id="hp-activation" label="Activation">
                <Select id="hp-activation" value={hp.activation} onChange={(e) => setH("activation")(e.target.value)}>
                  {ACTIVATIONS.map((a) => (
                    <option key={a}>{a}</option>
                  ))}
                </Select>
              </Field>
              <Field id="hp-dropout" label="Dropout">
                <Input id="hp-dropout" type="number" step="any" min={0} max={0.9} placeholder="0" value={hp.dropout} onChange={(e) => setH("dropout")(e.target.value)} />
              </Field>
            </>
          ) : null}
          <Field id="hp-l2" label="L2 penalty">
            <Input id="hp-l2" type="number" step="any" min={0} placeholder="default" value={hp.l2} onChange={(e) => setH("l2")(e.target.value)} />
          </Field>
          <Field id="hp-optimizer" label="Optimizer">
            <Select id="hp-optimizer" value={hp.optimizer} onChange={(e) => setH("optimizer")(e.target.value)}>
              <option value="">default (adam)</option>
              {OPTIMIZERS.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </Select>
          </Field>
          <Field id="hp-lr" label="Learning rate">
            <Input id="hp-lr" type="number" step="any" min={0} placeholder="default" value={hp.learningRate} onChange={(e) => setH("learningRate")(e.target.value)} />
          </Field>
          <Field id="hp-batch" label="Batch size">
            <Input id="hp-batch" type="number" min={1} placeholder="32" value={hp.batchSize} onChange={(e) => setH("batchSize")(e.target.value)} />
          </Field>
          <Field id="hp-epochs" label="Epochs">
            <Input id="hp-epochs" type="number" min={1} placeholder="200" value={hp.epochs} onChange={(e) => setH("epochs")(e.target.value)} />
          </Field>
          <div className="space-y-1.5">
            <label className="flex items-center gap-2 text-sm font-medium text-zinc-800">
              <input type="checkbox" className="size-4 accent-accent-600" checked={earlyStopping} onChange={(e) => setEarlyStopping(e.target.checked)} />
              Early stopping
            </label>
            <label htmlFor="hp-patience" className="sr-only">
              Patience (epochs)
            </label>
            <Input id="hp-patience" type="number" min={0} disabled={!earlyStopping} value={hp.patience} onChange={(e) => setH("patience")(e.target.value)} />
            <p className="text-xs text-zinc-500">Patience in epochs without a better validation loss.</p>
          </div>
          {task !== "regression" ? (
            <Field id="hp-class-weight" label="Class weight">
              <Select id="hp-class-weight" value={hp.classWeight} onChange={(e) => setH("classWeight")(e.target.value)}>
                <option value="none">none</option>
                <option value="balanced">balanced</option>
              </Select>
            </Field>
          ) : null}
        </div>
      </Card>

      <Card title="Split" description="Seeded and stratified; the test rows are only used for the final evaluation.">
        <div className="grid gap-4 sm:grid-cols-4">
          <Field id="split-test" label="Test share">
            <Input id="split-test" type="number" step="0.05" min={0.05} max={0.5} value={split.test} onChange={(e) => setSplit((s) => ({ ...s, test: e.target.value }))} />
          </Field>
          <Field id="split-validation" label="Validation share">
            <Input id="split-validation" type="number" step="0.05" min={0} max={0.5} value={split.validation} onChange={(e) => setSplit((s) => ({ ...s, validation: e.target.value }))} />
          </Field>
          <Field id="split-seed" label="Seed">
            <Input id="split-seed" type="number" min={0} value={split.seed} onChange={(e) => setSplit((s) => ({ ...s, seed: e.target.value }))} />
          </Field>
          <Field id="split-folds" label="CV folds (optional)">
            <Input id="split-folds" type="number" min={2} max={20} placeholder="off" value={split.folds} onChange={(e) => setSplit((s) => ({ ...s, folds: e.target.value }))} />
          </Field>
        </div>
      </Card>

      <Card
        title="Sweep"
        description="Train many trials over a search space and keep the best by a metric."
        actions={
          <label className="flex items-center gap-2 text-sm font-medium text-zinc-800">
            <input type="checkbox" role="switch" aria-checked={sweep} className="size-4 accent-accent-600" checked={sweep} onChange={(e) => setSweep(e.target.checked)} data-testid="sweep-toggle" />
            Sweep
          </label>
        }
      >
        {sweep ? (
          <div className="space-y-4">
            <div className="grid gap-4 sm:grid-cols-4">
              <Field id="sweep-method" label="Search">
                <Select id="sweep-method" value={method} onChange={(e) => setMethod(e.target.value === "random" ? "random" : "grid")}>
                  <option value="grid">grid</option>
                  <option value="random">random</option>
                </Select>
              </Field>
              <Field id="sweep-trials" label="Trials" hint={method === "grid" ? "Optional for a grid (every combination)" : undefined}>
                <Input id="sweep-trials" type="number" min={1} max={200} value={trials} onChange={(e) => setTrials(e.target.value)} />
              </Field>
              <Field id="sweep-parallelism" label="Parallelism">
                <Input id="sweep-parallelism" type="number" min={1} max={16} value={parallelism} onChange={(e) => setParallelism(e.target.value)} />
              </Field>
              <div className="flex items-end pb-2">
                <label className="flex items-center gap-2 text-sm text-zinc-800">
                  <input type="checkbox" className="size-4 accent-accent-600" checked={median} onChange={(e) => setMedian(e.target.checked)} />
                  Median early termination
                </label>
              </div>
              <Field id="sweep-metric" label="Metric">
                <Input id="sweep-metric" value={metric} placeholder={sweepDefaults.metric} onChange={(e) => setMetric(e.target.value)} />
              </Field>
              <Field id="sweep-goal" label="Goal">
                <Select id="sweep-goal" value={goal || sweepDefaults.goal} onChange={(e) => setGoal(e.target.value === "minimize" ? "minimize" : "maximize")}>
                  <option value="maximize">maximize</option>
                  <option value="minimize">minimize</option>
                </Select>
              </Field>
            </div>
            <fieldset>
              <legend className="text-sm font-medium text-zinc-800">Search space</legend>
              <p className="mb-2 text-xs text-zinc-500">
                {method === "grid" ? "Grid: list the values to try, separated by commas (hidden layers: by ';')." : "Random: a range and a distribution for numbers, a list for choices."}
              </p>
              <div className="divide-y divide-zinc-100 rounded-md border border-zinc-200">
                {SPACE_PARAMS.filter((p) => !p.mlpOnly || isMlp).map((p) => {
                  const row = space[p.name];
                  const set = (patch: Partial<SpaceRow>) => setSpace((s) => ({ ...s, [p.name]: { ...s[p.name], ...patch } }));
                  const asList = method === "grid" || p.kind === "layers" || p.kind === "choice";
                  return (
                    <div key={p.name} className="grid items-center gap-3 px-3 py-2 sm:grid-cols-[11rem_1fr]" data-space-param={p.name}>
                      <label className="flex items-center gap-2 font-mono text-xs text-zinc-800">
                        <input type="checkbox" className="size-4 accent-accent-600" checked={row.on} onChange={(e) => set({ on: e.target.checked })} aria-label={`Vary ${p.name}`} />
                        {p.name}
                      </label>
                      {row.on ? (
                        asList ? (
                          <Input aria-label={`${p.name} values`} value={row.list} onChange={(e) => set({ list: e.target.value })} className="font-mono" />
                        ) : (
                          <div className="flex gap-2">
                            <Input aria-label={`${p.name} min`} type="number" step="any" value={row.min} onChange={(e) => set({ min: e.target.value })} />
                            <Input aria-label={`${p.name} max`} type="number" step="any" value={row.max} onChange={(e) => set({ max: e.target.value })} />
                            <Select aria-label={`${p.name} distribution`} value={row.dist} onChange={(e) => set({ dist: e.target.value })} className="w-36">
                              {p.kind === "int" ? <option value="int">int</option> : null}
                              <option value="uniform">uniform</option>
                              <option value="loguniform">loguniform</option>
                            </Select>
                          </div>
                        )
                      ) : (
                        <span className="text-xs text-zinc-400">fixed</span>
                      )}
                    </div>
                  );
                })}
              </div>
            </fieldset>
          </div>
        ) : (
          <p className="text-sm text-zinc-600">Off: one run with the hyperparameters above.</p>
        )}
      </Card>

      {error ? (
        <Alert tone="error" title="The run could not be launched">
          <span data-testid="launch-error">{error}</span>
        </Alert>
      ) : null}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={!hydrated || pending || !v} data-testid="launch-submit">
          {pending ? "Launching…" : sweep ? "Launch sweep" : "Launch run"}
        </Button>
        <Hint>{v ? `${v.dataset} v${v.version} · ${formatShape(v.rowCount, v.columnCount)} · target ${chosenTarget}` : "Loading the dataset…"}</Hint>
      </div>
    </form>
  );
}

function Hint({ children }: { children: ReactNode }) {
  return <span className="text-sm text-zinc-500">{children}</span>;
}
