/**
 * @keel/ml/series: metric-history downsampling for charts, as pure functions over plain or typed
 * arrays.
 *
 * - {@link lttb}: Largest-Triangle-Three-Buckets over raw points (the visual shape of a curve in
 *   at most N points), for histories read raw.
 * - Rollups: raw points pre-aggregated at write time into fixed-width step buckets
 *   ({@link ROLLUP_WIDTHS}); {@link rollup} builds them, {@link mergeBuckets} is the upsert merge,
 *   {@link chooseRollupWidth} picks the width to read (or raw), and {@link downsampleBuckets} turns
 *   buckets into ≤ N chart points that keep the global min, max and both endpoints.
 */
export { lttb } from "./lttb";
export {
  chooseRollupWidth,
  downsampleBuckets,
  mergeBuckets,
  rollup,
  ROLLUP_WIDTHS,
  type RollupBucket,
  type RollupWidth,
  type SeriesPoint,
} from "./rollup";
