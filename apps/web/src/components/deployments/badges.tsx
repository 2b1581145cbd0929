import type { DeploymentEnvironment } from "@keel/api";
import { Badge } from "~/components/ui";
import type { RouteMode } from "./traffic";

export function EnvironmentBadge({ environment }: { environment: DeploymentEnvironment }) {
  return (
    <Badge tone={environment === "production" ? "green" : "amber"} data-testid="environment-badge" data-environment={environment}>
      {environment}
    </Badge>
  );
}

export function RouteModeBadge({ mode }: { mode: RouteMode }) {
  return (
    <Badge tone={mode === "live" ? "accent" : "neutral"} title={mode === "shadow" ? "Gets a copy of every request; its answers are logged, never returned" : "Answers its share of requests"}>
      {mode}
    </Badge>
  );
}
