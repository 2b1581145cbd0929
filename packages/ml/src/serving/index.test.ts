import { describe, expect, it } from "vitest";
import * as serving from "./index";

describe("@keel/ml/serving", () => {
  it("exports the serving core", () => {
    expect(Object.keys(serving).sort()).toEqual(
      [
        "DEFAULT_MAX_PROBLEMS",
        "DEFAULT_MAX_ROWS",
        "INPUT_TYPES",
        "MicroBatchError",
        "PredictInputError",
        "Predictor",
        "REQUEST_FORMATS",
        "ZSignature",
        "ZSignatureInput",
        "createBoundedBuffer",
        "createMicroBatcher",
        "loadPredictor",
        "parsePredictRequest",
        "signatureFromPipeline",
      ].sort(),
    );
  });
});
