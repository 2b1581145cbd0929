/**
 * @keel/ml/sweep: hyperparameter search as pure functions.
 *
 * - {@link ZSearchSpace} / {@link parseSearchSpace}: what a sweep varies (value lists, uniform,
 *   loguniform, int and choice domains), validated with zod.
 * - {@link planTrials}: the trials to run, by grid (cartesian product, stable order) or seeded
 *   random search ({@link createRng}: same seed → same plan).
 * - {@link medianStoppingRule}: Google Vizier's median stopping rule for early stopping.
 * - {@link bestTrial}: the winning trial for a goal.
 */
export {
  type Distribution,
  MAX_CHOICES,
  MAX_PARAMETERS,
  type ParamSpec,
  type ParamValue,
  parseSearchSpace,
  type SearchSpace,
  ZChoice,
  ZDistribution,
  ZIntRange,
  ZLogUniform,
  ZParamSpec,
  ZParamValue,
  ZSearchSpace,
  ZUniform,
} from "./space";
export { createRng, MAX_GRID_TRIALS, MAX_RANDOM_TRIALS, planTrials, type PlanTrialsInput, type TrialParams } from "./plan";
export { bestTrial, type Goal, medianStoppingRule, type MedianStoppingOptions, type StoppingDecision } from "./stopping";
