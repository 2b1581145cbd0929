/** Keel's tabular data layer: streaming readers, profiles, quality checks and shift statistics. */
export * from "./types";
export { openTabular, detectFormat } from "./open";
export { countRowsBare } from "./read-csv";
export { readRowRange } from "./rows";
export { profileSource, type ProfileResult } from "./profile";
export { prewarmProfiler } from "./workers";
export { diffSchemas, type SchemaDiff } from "./quality";
export { compareVersions, type ColumnShift, type VersionComparison } from "./compare";
export { psi, psiLevel, binCounts, type PsiLevel } from "./psi";
export { histogramEdges } from "./numeric";
