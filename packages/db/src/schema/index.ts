export * from "./users";
export * from "./projects";
export * from "./audit";
export * from "./system";
export * from "./relations";
export * from "./datasets";
export * from "./experiments";
export * from "./registry";
