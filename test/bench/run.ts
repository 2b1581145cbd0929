/**
 * `npm run bench`: runs Keel's benchmarks and prints their figures as JSON lines.
 * Benchmarks report numbers and ratios against a baseline measured in the same run; they never
 * pass or fail on time. Pick some by name: `npm run bench -w @keel/test -- dataset-profile`.
 * Options: `--rows N` (dataset-profile's row count, default 1,000,000).
 */
import { datasetProfileBench } from "./dataset-profile";
import { metricIngestBench } from "./metric-ingest";
import { runsQueryBench } from "./runs-query";
import { servingBench } from "./serving";
import { trainingBench } from "./training";

const BENCHES: Record<string, (opts: { rows?: number }) => Promise<Record<string, number | string>>> = {
  "dataset-profile": datasetProfileBench,
  training: trainingBench,
  "metric-ingest": metricIngestBench,
  "runs-query": runsQueryBench,
  serving: servingBench,
};

const args = process.argv.slice(2);
const rowsAt = args.indexOf("--rows");
const rows = rowsAt >= 0 ? Number(args[rowsAt + 1]) : undefined;
const names = args.filter((a, i) => !a.startsWith("--") && (rowsAt < 0 || i !== rowsAt + 1));
const selected = names.length ? names : Object.keys(BENCHES);
for (const name of selected) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}': one of ${Object.keys(BENCHES).join(", ")}`);
    process.exit(2);
  }
  console.error(`bench: ${name}…`);
  console.log(JSON.stringify(await bench({ rows })));
}
