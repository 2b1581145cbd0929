/** The model registry: the services behind the tRPC router, REST and (next) the approval workflow. */
export { createModel, getModel, listModels, setProtectedAliases } from "./models";
export { archiveVersion, getModelVersion, listModelVersions, registerModelVersion, REQUIRED_ARTIFACTS, updateModelCard } from "./versions";
export { aliasHistory, deleteAlias, moveAlias, setAlias, versionAtTime, type MoveAliasInput } from "./aliases";
export { findModel, findVersion, isProtected, protectedAliasError, type ModelRow, type VersionRow } from "./common";
