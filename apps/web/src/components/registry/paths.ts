/** URLs of the registry and approvals pages, built in one place. */
const seg = encodeURIComponent;

export const modelsPath = (project: string) => `/${seg(project)}/models`;
export const modelPath = (project: string, model: string) => `${modelsPath(project)}/${seg(model)}`;
export const versionPath = (project: string, model: string, version: number) => `${modelPath(project, model)}/versions/${version}`;
export const approvalsPath = (project: string) => `/${seg(project)}/approvals`;
export const requestPath = (project: string, request: string) => `${approvalsPath(project)}/${seg(request)}`;
export const deploymentPath = (project: string, deployment: string) => `/${seg(project)}/deployments/${seg(deployment)}`;
export const runPathById = (project: string, experiment: string, run: string) => `/${seg(project)}/experiments/${seg(experiment)}/runs/${seg(run)}`;
export const datasetVersionPath = (project: string, dataset: string, version: number) => `/${seg(project)}/datasets/${seg(dataset)}/versions/${version}`;
