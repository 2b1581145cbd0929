/**
 * @keel/ml/serving: the database-free serving core: model signatures, MLflow-compatible
 * prediction requests checked against them, the Predictor (artifacts + pipeline → predictions,
 * identical to the training run's), server-side micro-batching and the bounded buffer behind
 * the prediction log.
 */
export { type BoundedBuffer, type BoundedBufferOptions, type BufferStats, createBoundedBuffer } from "./buffer";
export { createMicroBatcher, MicroBatchError, type MicroBatcher, type MicroBatcherOptions } from "./batcher";
export { loadPredictor, type LoadPredictorInput, type Prediction, Predictor } from "./predictor";
export {
  DEFAULT_MAX_PROBLEMS,
  DEFAULT_MAX_ROWS,
  parsePredictRequest,
  type ParsePredictRequestOptions,
  PredictInputError,
  type PredictInputProblem,
  REQUEST_FORMATS,
} from "./request";
export { INPUT_TYPES, type InputType, type Signature, signatureFromPipeline, type SignatureInput, ZSignature, ZSignatureInput } from "./signature";
