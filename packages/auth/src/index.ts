export * from "./permissions";
export * from "./password";
export * from "./tokens";
