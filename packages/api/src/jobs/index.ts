export * from "./definitions";
export * from "./errors";
export * from "./queue";
export * from "./send";
