import { PERMISSIONS, PROJECT_ROLES, can, type Permission, type ProjectRole } from "@keel/auth/permissions";
import { describe, expect, it } from "vitest";
import { forbiddenMessage, SECTION_INFO, sectionByKey, sectionNoun, visibleSections } from "./sections";

/** The permissions projects.get returns for a member with this role. */
function permissionsOf(role: ProjectRole): string[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter(
    (p) => PERMISSIONS[p].scope === "project" && can({ authenticated: true, isAdmin: false, projectRole: role }, p),
  );
}

const labels = (role: ProjectRole) => visibleSections(permissionsOf(role)).map((s) => s.label);

describe("visibleSections", () => {
  it("shows a viewer no Approvals, Audit or Settings", () => {
    expect(labels("viewer")).toEqual(["Datasets", "Experiments", "Models", "Deployments", "Monitoring"]);
  });
  it("shows Audit only to owners and auditors", () => {
    const withAudit = PROJECT_ROLES.filter((r) => labels(r).includes("Audit"));
    expect(withAudit).toEqual(["owner", "auditor"]);
  });
  it("shows an owner every section", () => {
    expect(labels("owner")).toEqual(["Datasets", "Experiments", "Models", "Approvals", "Deployments", "Monitoring", "Audit", "Settings"]);
  });
});

describe("section copy", () => {
  it("describes every section", () => {
    for (const s of visibleSections(permissionsOf("owner"))) {
      expect(SECTION_INFO[s.key].purpose.length).toBeGreaterThan(10);
      if (!SECTION_INFO[s.key].built) expect(SECTION_INFO[s.key].meanwhile.length).toBeGreaterThan(10);
    }
  });
  it("names the role in a refusal", () => {
    expect(forbiddenMessage("viewer", sectionNoun(sectionByKey("audit")))).toBe("Your role (viewer) cannot open Audit.");
    expect(forbiddenMessage("viewer", sectionNoun(sectionByKey("settings")))).toBe("Your role (viewer) cannot open project settings.");
  });
});
