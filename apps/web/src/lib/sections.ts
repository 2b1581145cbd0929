import { NAV_SECTIONS, type ProjectRole } from "@keel/auth/permissions";

export type SectionKey = (typeof NAV_SECTIONS)[number]["key"];
export type NavSection = (typeof NAV_SECTIONS)[number];

/** What each section of a project is for, and whether this version of Keel has built it yet. */
export interface SectionInfo {
  /** One line for the overview. */
  purpose: string;
  /** Built in this version (otherwise the page is an honest "not built yet" state). */
  built: boolean;
  /** What the section will hold, for the not-built-yet page. */
  willHold: string;
  /** What to do meanwhile. */
  meanwhile: string;
}

export const SECTION_INFO: Record<SectionKey, SectionInfo> = {
  datasets: {
    purpose: "Versioned training data with column profiles and quality checks.",
    built: true,
    willHold:
      "Immutable, content-addressed dataset versions uploaded as CSV, NDJSON or Parquet, each with a schema, a column profile (types, missing values, distributions) and quality checks.",
    meanwhile: "Upload a CSV, JSON Lines or Parquet file on the Datasets page, or over REST (/api/v1/openapi.json).",
  },
  experiments: {
    purpose: "Training runs and sweeps: parameters, metrics and evaluations.",
    built: true,
    willHold:
      "Experiments grouping training runs launched on the worker or logged from elsewhere: parameters, metric histories, evaluations (confusion matrix, ROC and PR curves, residuals) and hyperparameter sweeps.",
    meanwhile: "Create an experiment, then launch a run on a dataset version.",
  },
  models: {
    purpose: "The model registry: versions, aliases and model cards.",
    built: true,
    willHold:
      "Registered models and their immutable versions (each linked to the run that produced it), aliases such as production, and model cards.",
    meanwhile: "Create a model, then register a version from a succeeded run.",
  },
  approvals: {
    purpose: "Requests to promote a model version, with evidence and decisions.",
    built: true,
    willHold:
      "Requests to promote a model version to a protected alias such as production, the evidence attached to each (metrics, fairness, data checks) and the approver's decision with a comment.",
    meanwhile: "Data scientists request promotion from a version's page; approvers decide here.",
  },
  deployments: {
    purpose: "Which model versions serve predictions, and their traffic.",
    built: true,
    willHold:
      "Deployments of approved model versions with live and shadow traffic splits, their history (what served when), predictions, feedback and rollbacks.",
    meanwhile: "Create a deployment of a registered model, then send predictions to it from its page or over REST.",
  },
  monitoring: {
    purpose: "Drift, performance against feedback, and alerts.",
    built: false,
    willHold:
      "Per-deployment drift against the training data (per feature, with PSI and statistical tests), performance computed from feedback, firing alerts and retraining triggers.",
    meanwhile: "Monitoring arrives after deployments, once there are predictions to watch.",
  },
  audit: {
    purpose: "The project's tamper-evident record of every change.",
    built: false,
    willHold:
      "A searchable view of the audit trail: who changed what and when, before and after, with CSV/JSONL export and verification of the hash chain.",
    meanwhile:
      "Keel already records every change (sign-ins, members, roles, API tokens) in an append-only, hash-chained audit log; the System status page shows how many events it holds. Browsing and export arrive in a later release.",
  },
  settings: {
    purpose: "Members and their roles, and API tokens for scripts.",
    built: true,
    willHold: "",
    meanwhile: "",
  },
};

/** The navigation sections the given permissions open, in navigation order. */
export function visibleSections(permissions: readonly string[]): NavSection[] {
  const held = new Set(permissions);
  return NAV_SECTIONS.filter((s) => held.has(s.permission));
}

export function sectionByKey(key: SectionKey): NavSection {
  const found = NAV_SECTIONS.find((s) => s.key === key);
  if (!found) throw new Error(`unknown section ${key}`);
  return found;
}

/** The refusal shown when a role cannot open a section (the API refuses the same calls). */
export function forbiddenMessage(role: ProjectRole | null, what: string): string {
  return role ? `Your role (${role}) cannot open ${what}.` : `Your account cannot open ${what}.`;
}

/** What a section is called in a sentence: "project settings" for settings, else its label. */
export function sectionNoun(section: NavSection): string {
  return section.key === "settings" ? "project settings" : section.label;
}
