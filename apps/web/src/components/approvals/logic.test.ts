import { describe, expect, it } from "vitest";
import { commentProblem, countByStatus, decisionMode, parseStatus, type DecisionViewerInput } from "./logic";

const base = (over: Partial<DecisionViewerInput> = {}, req: Partial<DecisionViewerInput["request"]> = {}): DecisionViewerInput => ({
  viewerId: "usr_mgr",
  viewerRole: "approver",
  canDecide: true,
  ...over,
  request: { status: "pending", requestedBy: { id: "usr_ds" }, approverRole: "approver", decisions: [], ...req },
});

describe("decisionMode", () => {
  it("offers the form to an approver of someone else's pending request", () => {
    expect(decisionMode(base())).toEqual({ kind: "form" });
  });
  it("never offers the form to the requester, even with the approver role", () => {
    expect(decisionMode(base({ viewerId: "usr_ds" }))).toEqual({ kind: "own-request" });
    expect(decisionMode(base({ viewerId: "usr_ds" }, { status: "approved" }))).toEqual({ kind: "own-request" });
  });
  it("closes decided, withdrawn and stale requests", () => {
    for (const status of ["approved", "rejected", "withdrawn", "stale"] as const) expect(decisionMode(base({}, { status })).kind).toBe("closed");
  });
  it("explains a missing permission, a decision already made and the wrong role", () => {
    expect(decisionMode(base({ canDecide: false })).kind).toBe("no-permission");
    expect(decisionMode(base({}, { decisions: [{ decidedBy: { id: "usr_mgr" } }] })).kind).toBe("already-decided");
    expect(decisionMode(base({ viewerRole: "owner" }))).toEqual({ kind: "wrong-role", approverRole: "approver" });
  });
});

describe("commentProblem", () => {
  it("requires a non-blank comment of at most 5,000 characters", () => {
    expect(commentProblem("   ")).toMatch(/required/);
    expect(commentProblem("x".repeat(5001))).toMatch(/5,000/);
    expect(commentProblem(" Looks good ")).toBeNull();
  });
});

describe("countByStatus and parseStatus", () => {
  it("counts every status, zero when none", () => {
    expect(countByStatus([{ status: "pending" }, { status: "pending" }, { status: "stale" }])).toEqual({ pending: 2, approved: 0, rejected: 0, withdrawn: 0, stale: 1 });
  });
  it("reads a known status and falls back to pending", () => {
    expect(parseStatus("rejected")).toBe("rejected");
    expect(parseStatus("nope")).toBe("pending");
    expect(parseStatus(undefined)).toBe("pending");
  });
});
