/** Compare two versions of a dataset: schema diff, row-count delta and per-column PSI. */
import { compareVersions, ZDatasetProfile } from "@keel/ml/tabular";
import type { ServiceContext } from "../../context";
import { ZCompareVersionsInput, type CompareVersionsInput, type VersionComparison } from "../../schemas/datasets";
import { requireProjectAccess } from "../access";
import { columnsOf, findDataset, findVersion, toVersionSummary, versionContext } from "./common";
import { openVersionSource } from "./versions";

/**
 * `base` is the reference: its histogram bins and top categories are the bins both versions are
 * counted in, so the PSI of each column is computed on the same bins.
 */
export async function compareDatasetVersions(ctx: ServiceContext, rawInput: CompareVersionsInput): Promise<VersionComparison> {
  const input = ZCompareVersionsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.read");
  const dataset = await findDataset(ctx.db, access.project.id, input.dataset);
  const base = await findVersion(ctx.db, dataset, input.base);
  const target = await findVersion(ctx.db, dataset, input.target);
  const result = await compareVersions(
    { schema: columnsOf(base), profile: ZDatasetProfile.parse(base.profile) },
    { schema: columnsOf(target), profile: ZDatasetProfile.parse(target.profile), source: await openVersionSource(ctx, target) },
  );
  const vc = await versionContext(ctx.db, [base, target]);
  return { base: toVersionSummary(base, vc), target: toVersionSummary(target, vc), ...result };
}
