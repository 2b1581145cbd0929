export * from "./datasets";
export * from "./versions";
export * from "./compare";
