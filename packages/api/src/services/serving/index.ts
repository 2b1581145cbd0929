/** Serving (DB side): a deployment's live state for the prediction server, the prediction log and feedback. */
export { loadVersionPredictor, SERVING_ARTIFACTS, type LoadVersionPredictorOptions, type VersionArtifactsRow } from "./predictor";
export {
  currentRevisionOf,
  findServingDeployment,
  loadServingRevision,
  resolveServingDeployment,
  type ServingDeployment,
  type ServingRevision,
  type ServingRoute,
} from "./state";
export { encodePredictionLog, insertEncodedPredictionLog, PREDICTION_LOG_INSERT_ROWS, writePredictionLog, type PredictionLogEntry } from "./log";
export { MAX_FEEDBACK_ITEMS, submitFeedback, ZFeedbackBody, ZFeedbackInput, ZFeedbackItem, type FeedbackBody, type FeedbackInput, type FeedbackOptions, type FeedbackResult } from "./feedback";
