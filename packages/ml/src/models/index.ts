/**
 * @keel/ml/models: the model families (logistic, linear, mlp) on TensorFlow.js, a seeded and
 * cancellable training loop, model artifacts in the TensorFlow.js layers format, evaluation
 * reports, permutation importance and trainTabular, the database-free training job.
 */
export { type ModelArtifactBytes, loadModelArtifacts, saveModelArtifacts, WEIGHTS_FILE } from "./artifacts";
export { buildModel, type BuildModelOptions, lossName, outputUnits } from "./build";
export {
  type CrossValidation,
  evaluate,
  type EvaluateInput,
  type EvaluationReport,
  MAX_CURVE_POINTS,
  MAX_RESIDUAL_POINTS,
  thinCurveIndices,
  ZClassificationMetrics,
  ZEvaluationReport,
  ZFeatureImportance,
  ZRegressionMetrics,
} from "./evaluation";
export {
  ACTIVATIONS,
  type Activation,
  type ClassWeight,
  familiesFor,
  type Hyperparams,
  type HyperparamsInput,
  MODEL_FAMILIES,
  MODEL_TASKS,
  type ModelFamily,
  type ModelTask,
  type OptimizerName,
  OPTIMIZERS,
  type ResolvedHyperparams,
  resolveHyperparams,
  ZClassWeight,
  ZEarlyStopping,
  ZHyperparams,
  ZResolvedHyperparams,
} from "./hyperparams";
export { type FeatureImportance, featureColumns, modelScore, permutationImportance, type PermutationImportanceOptions } from "./importance";
export { predictBatch, type PredictOptions } from "./predict";
export { trainTabular, type TrainTabularCounts, type TrainTabularOptions, type TrainTabularResult } from "./tabular";
export { detectTask, labelsForTask, MAX_CLASSES, MAX_INTEGER_CLASSES, type TaskDetection, targetValues } from "./task";
export { classWeights, type EpochLog, trainModel, type TrainingData, type TrainModelOptions, type TrainModelResult } from "./train";
