/**
 * The evidence of a promotion request, computed once when it is made and frozen on the row:
 * metrics side by side with the version the alias names now and their deltas, the policy's gates
 * with their numbers, the params diff of the two runs, dataset lineage and quality, the model card.
 */
import { asc, eq, inArray, schema, type DbOrTx } from "@keel/db";
import type { ApprovalEvidence } from "../../schemas/approvals";
import type { ModelRow, VersionRow } from "../registry/index";
import { currentAliasVersionId, type EffectivePolicy } from "./common";

type DatasetEvidence = ApprovalEvidence["dataset"]["candidate"];
type GateResult = ApprovalEvidence["gates"][number];

const EVALUATION_ARTIFACT = "evaluation.json";

async function datasetOf(db: DbOrTx, id: string | null): Promise<DatasetEvidence> {
  if (!id) return null;
  const [row] = await db
    .select({ id: schema.datasetVersions.id, dataset: schema.datasets.name, version: schema.datasetVersions.version, sha256: schema.datasetVersions.sha256, qualityStatus: schema.datasetVersions.qualityStatus })
    .from(schema.datasetVersions)
    .innerJoin(schema.datasets, eq(schema.datasets.id, schema.datasetVersions.datasetId))
    .where(eq(schema.datasetVersions.id, id));
  return row ? { datasetVersionId: row.id, dataset: row.dataset, version: row.version, sha256: row.sha256, qualityStatus: row.qualityStatus } : null;
}

async function paramsOf(db: DbOrTx, runIds: string[]): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>(runIds.map((id) => [id, new Map()]));
  if (runIds.length === 0) return out;
  const rows = await db.select().from(schema.runParams).where(inArray(schema.runParams.runId, runIds)).orderBy(asc(schema.runParams.key));
  for (const r of rows) out.get(r.runId)?.set(r.key, r.value);
  return out;
}

function compare(actual: number, op: ">=" | "<=" | ">" | "<", threshold: number): boolean {
  switch (op) {
    case ">=":
      return actual >= threshold;
    case "<=":
      return actual <= threshold;
    case ">":
      return actual > threshold;
    case "<":
      return actual < threshold;
  }
}

const round = (x: number): number => Math.round(x * 1e12) / 1e12;

export async function computeEvidence(tx: DbOrTx, model: ModelRow, candidate: VersionRow, alias: string, policy: EffectivePolicy): Promise<{ evidence: ApprovalEvidence; currentVersionId: string | null }> {
  const currentVersionId = await currentAliasVersionId(tx, model.id, alias);
  const [current] = currentVersionId ? await tx.select().from(schema.modelVersions).where(eq(schema.modelVersions.id, currentVersionId)) : [];
  const names = [...new Set([...Object.keys(candidate.metrics), ...Object.keys(current?.metrics ?? {})])].sort();
  const metrics = names.map((name) => {
    const c = candidate.metrics[name] ?? null;
    const p = current ? (current.metrics[name] ?? null) : null;
    return { name, candidate: c, current: p, delta: c !== null && p !== null ? round(c - p) : null };
  });

  const gates: GateResult[] = [];
  const referenceCache = new Map<string, VersionRow | null>();
  for (const g of policy.gates) {
    const actual = candidate.metrics[g.metric] ?? null;
    let threshold: number | null = null;
    let detail: string;
    let passed: boolean;
    if (g.relativeTo !== undefined) {
      let ref = referenceCache.get(g.relativeTo);
      if (ref === undefined) {
        const refId = g.relativeTo === alias ? currentVersionId : await currentAliasVersionId(tx, model.id, g.relativeTo);
        const [row] = refId ? await tx.select().from(schema.modelVersions).where(eq(schema.modelVersions.id, refId)) : [];
        ref = row ?? null;
        referenceCache.set(g.relativeTo, ref);
      }
      const base = ref ? (ref.metrics[g.metric] ?? null) : null;
      const delta = g.delta ?? 0;
      if (!ref) {
        passed = actual !== null;
        detail = actual === null ? `candidate has no metric ${g.metric}` : `no version is ${g.relativeTo} yet: nothing to compare with`;
      } else if (base === null) {
        passed = actual !== null;
        detail = `${g.relativeTo} (v${ref.version}) has no metric ${g.metric}: nothing to compare with`;
      } else {
        threshold = round(base + delta);
        passed = actual !== null && compare(actual, g.op, threshold);
        detail = `${g.metric} ${actual ?? "missing"} ${g.op} ${g.relativeTo} v${ref.version} ${base}${delta >= 0 ? " + " : " − "}${Math.abs(delta)} = ${threshold}`;
      }
    } else {
      threshold = g.value ?? 0;
      passed = actual !== null && compare(actual, g.op, threshold);
      detail = `${g.metric} ${actual ?? "missing"} ${g.op} ${threshold}`;
    }
    const name = g.relativeTo !== undefined ? `${g.metric} ${g.op} ${g.relativeTo}${g.delta ? (g.delta >= 0 ? ` + ${g.delta}` : ` − ${Math.abs(g.delta)}`) : ""}` : `${g.metric} ${g.op} ${g.value ?? 0}`;
    gates.push({ name, kind: "metric", passed, actual, threshold, detail });
  }

  const [candidateDataset, currentDataset] = await Promise.all([datasetOf(tx, candidate.datasetVersionId), datasetOf(tx, current?.datasetVersionId ?? null)]);
  if (policy.requireQualityPass) {
    const status = candidateDataset?.qualityStatus ?? null;
    gates.push({
      name: "data quality passed",
      kind: "quality",
      passed: status === "pass",
      actual: null,
      threshold: null,
      detail: candidateDataset ? `dataset ${candidateDataset.dataset} v${candidateDataset.version}: quality ${status}` : "the version records no dataset version",
    });
  }
  const evaluationPresent = candidate.artifacts.some((a) => a.path === EVALUATION_ARTIFACT);
  if (policy.requireEvaluation) {
    gates.push({ name: "evaluation present", kind: "evaluation", passed: evaluationPresent, actual: null, threshold: null, detail: evaluationPresent ? `${EVALUATION_ARTIFACT} present` : `no ${EVALUATION_ARTIFACT} among the version's artifacts` });
  }

  const params = await paramsOf(tx, current ? [candidate.runId, current.runId] : [candidate.runId]);
  const cp = params.get(candidate.runId) ?? new Map<string, string>();
  const pp = current ? (params.get(current.runId) ?? new Map<string, string>()) : new Map<string, string>();
  const keys = [...new Set([...cp.keys(), ...pp.keys()])].sort();
  const paramsDiff = keys
    .map((key) => ({ key, candidate: cp.get(key) ?? null, current: current ? (pp.get(key) ?? null) : null }))
    .filter((d) => !current || d.candidate !== d.current);

  const [card] = await tx.select().from(schema.modelCards).where(eq(schema.modelCards.versionId, candidate.id));
  return {
    currentVersionId,
    evidence: {
      candidate: { version: candidate.version, versionId: candidate.id, runId: candidate.runId },
      current: current ? { version: current.version, versionId: current.id, runId: current.runId } : null,
      metrics,
      gates,
      gatesPassed: gates.every((g) => g.passed),
      paramsDiff,
      dataset: { candidate: candidateDataset, current: currentDataset },
      evaluationPresent,
      modelCard: { intendedUse: card?.intendedUse ?? "", limitations: card?.limitations ?? "", ethicalConsiderations: card?.ethicalConsiderations ?? "" },
    },
  };
}
