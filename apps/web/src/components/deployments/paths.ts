/** URLs of the deployment pages (and the pages they link to), built in one place. */
const seg = encodeURIComponent;

export const deploymentsPath = (project: string) => `/${seg(project)}/deployments`;
export const deploymentPath = (project: string, deployment: string) => `${deploymentsPath(project)}/${seg(deployment)}`;
export const modelPath = (project: string, model: string) => `/${seg(project)}/models/${seg(model)}`;
export const modelVersionPath = (project: string, model: string, version: number) => `${modelPath(project, model)}/versions/${version}`;
/** The prediction endpoint, same origin (the portal forwards it to the prediction server). */
export const predictUrl = (project: string, deployment: string) => `/api/v1/projects/${seg(project)}/deployments/${seg(deployment)}/predict`;
