/** Experiments and runs: the services behind the tRPC router, REST and the training worker. */
export { createExperiment, getExperiment, listExperiments, setBaseline } from "./experiments";
export { launchRun, prepareTraining, taskFromProfile, trainingParams, type PreparedTraining } from "./launch";
export { cancelRun, compareRuns, getMetricHistory, getRun, getRunLogs, REPRODUCTION_TOLERANCE, rerunRun, toRunDetail } from "./runs";
export { listRunKeys, listRuns } from "./query";
export { createExternalRun, finishRun, logParsedRun, logRun, setRunTags } from "./external";
export { afterTrialEnded, launchSweep, medianStopDecision, sweepSearchOf } from "./sweeps";
export { deleteView, listViews, saveView } from "./views";
export { deleteRunMetrics, readMetricHistory, writeMetricPoints, type StoredPoint } from "./metrics";
export {
  appendRunLog,
  AttemptSupersededError,
  claimTrainingRun,
  completeTrainingRun,
  endTrainingRun,
  heartbeatAttempt,
  reconcileAbandonedRuns,
  recordAttemptEnvironment,
  recordEpoch,
  type AttemptRef,
  type StoredArtifact,
  type TrainingOutcome,
} from "./training";
export { metricGoal, paramValue } from "./common";
