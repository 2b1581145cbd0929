export { buildServeApp, type PredictionLogOptions, type ServeApp, type ServeOptions, type ServeRuntime, type ServeStats } from "./app";
