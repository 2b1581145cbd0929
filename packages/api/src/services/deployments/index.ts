/** Deployments: traffic splits across model versions, promote, rollback and their history. */
export { createDeployment, deployableVersions, deploymentsForVersion, deploymentStateAt, getDeployment, listDeployments, promote, rollback, setTraffic } from "./deployments";
export { checkRoutes, routeRequest, type NormalizedRoute, type RouteLike, type RouteProblem, type RoutingDecision } from "./routing";
