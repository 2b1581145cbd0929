/**
 * @keel/ml/pipeline: data splits and the preprocessing pipeline as pure functions over plain
 * arrays, tested against scikit-learn 1.9 (scripts/reference/make_pipeline_fixtures.py →
 * test/fixtures/pipeline).
 */
export { type FeatureSpec, fitPipeline, type PipelineInput, type PipelineSpec, transform, type Transformed } from "./pipeline";
export {
  type FittedPipeline,
  type FittedStep,
  outputColumns,
  parsePipeline,
  PIPELINE_VERSION,
  serializePipeline,
  UNKNOWN_CATEGORY,
  ZFittedPipeline,
} from "./schema";
export { type Fold, kFold, type KFoldOptions, type Split, splitIndices, type SplitOptions, type StratumLabel } from "./split";
