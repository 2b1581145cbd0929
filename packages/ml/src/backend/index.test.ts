import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { chooseBackend } from "./index";

describe("chooseBackend", () => {
  it("takes the first backend that loads and computes, and says why faster ones were passed over", async () => {
    const choice = await chooseBackend();
    expect(["tensorflow", "wasm", "cpu"]).toContain(choice.backend);
    expect(tf.getBackend()).toBe(choice.backend);
    expect(choice.tfjsVersion).toMatch(/^4\./);
    const last = choice.attempts[choice.attempts.length - 1];
    expect(last).toEqual({ backend: choice.backend, ok: true });
    for (const failed of choice.attempts.slice(0, -1)) expect(failed.reason).toBeTruthy();
    if (choice.backend !== "tensorflow") expect(choice.attempts[0]).toMatchObject({ backend: "tensorflow", ok: false });
  });

  it("loads the wasm backend offline from its package folder", async () => {
    const choice = await chooseBackend(["wasm"]);
    expect(choice.backend).toBe("wasm");
    expect(tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0])).toBe(5);
  });

  it("falls back to cpu when asked, and reports every failure when nothing starts", async () => {
    expect((await chooseBackend(["cpu"])).backend).toBe("cpu");
    await expect(chooseBackend([])).rejects.toThrow(/No TensorFlow.js backend could start/);
  });
});
