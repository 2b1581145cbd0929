/**
 * @keel/ml/metrics: model-evaluation metrics as pure functions over plain arrays, defined as
 * scikit-learn 1.9 defines them and tested against its values
 * (scripts/reference/make_metric_fixtures.py → test/fixtures/metrics).
 *
 * Every function throws an Error on empty input, mismatched lengths, NaN (or ±Infinity in
 * numeric inputs), and the ROC functions on a y_true with one class.
 */
export type { Label, Labels } from "./numeric";
export { neumaierSum } from "./numeric";
export {
  accuracy,
  type ClassScores,
  confusionMatrix,
  type ConfusionMatrix,
  LOG_LOSS_EPS,
  logLossBinary,
  logLossMulticlass,
  macroAverage,
  type MacroScores,
  precisionRecallF1,
  scoresFromConfusion,
} from "./classification";
export { averagePrecision, precisionRecallCurve, type PrecisionRecallCurve, rocAuc, rocAucOvr, rocCurve, type RocCurve } from "./ranking";
export {
  type BinaryClassificationReport,
  type ClassificationReport,
  evaluateBinary,
  evaluateMulticlass,
  type MulticlassClassificationReport,
} from "./evaluate";
export { evaluateRegression, meanAbsoluteError, meanSquaredError, r2Score, type RegressionReport, residuals, rootMeanSquaredError } from "./regression";
