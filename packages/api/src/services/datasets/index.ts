export * from "./datasets";
export * from "./versions";
export * from "./compare";
export { columnsOf } from "./common";
export { getDatasetVersionLineage } from "./lineage";
