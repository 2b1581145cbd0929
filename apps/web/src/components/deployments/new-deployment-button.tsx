"use client";

import type { DeploymentEnvironment } from "@keel/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { Button, Field, Input, Select, type ButtonVariant } from "~/components/ui";
import { Dialog } from "~/components/ui/dialog";
import { useTRPC } from "~/trpc/react";
import { detailText, errorDetails } from "./errors";
import { deploymentPath } from "./paths";

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * "New deployment": a name, a registered model, the environment and the version that takes 100% of
 * the traffic first. In production only versions approved for it are offered (the server checks again).
 */
export function NewDeploymentButton({ project, variant = "primary" }: { project: string; variant?: ButtonVariant }) {
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant={variant} onClick={() => setOpen(true)} aria-haspopup="dialog" data-testid="new-deployment" disabled={!hydrated}>
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
        </svg>
        New deployment
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="New deployment">
        {open ? <NewDeploymentForm project={project} onCancel={() => setOpen(false)} /> : null}
      </Dialog>
    </>
  );
}

function NewDeploymentForm({ project, onCancel }: { project: string; onCancel: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [model, setModel] = useState("");
  const [environment, setEnvironment] = useState<DeploymentEnvironment>("staging");
  const [version, setVersion] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);

  const models = useQuery(trpc.registry.listModels.queryOptions({ project }));
  const versions = useQuery(trpc.deployments.deployableVersions.queryOptions({ project, model, environment }, { enabled: model !== "" }));
  const offered = (versions.data?.items ?? []).filter((v) => v.liveAllowed);
  const hidden = (versions.data?.items.length ?? 0) - offered.length;
  const create = useMutation(
    trpc.deployments.create.mutationOptions({
      onSuccess: async (d) => {
        await queryClient.invalidateQueries(trpc.deployments.pathFilter());
        router.push(deploymentPath(project, d.name));
      },
    }),
  );

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return setLocalError("Give the deployment a name, e.g. churn-prod.");
    if (n.length > 100) return setLocalError("The name must be at most 100 characters.");
    if (!NAME_PATTERN.test(n)) return setLocalError("Use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. churn-prod).");
    if (!model) return setLocalError("Choose the model to serve.");
    const v = Number(version);
    if (!version || !Number.isInteger(v)) return setLocalError("Choose the version that takes the traffic first.");
    setLocalError(null);
    create.mutate({ project, name: n, model, environment, traffic: [{ version: v, mode: "live", percent: 100 }] });
  };

  const serverDetails = create.error ? errorDetails(create.error) : [];
  const error = localError ?? create.error?.message ?? null;
  const busy = create.isPending || create.isSuccess;
  const modelItems = models.data?.items ?? [];

  return (
    <form id="new-deployment-form" onSubmit={submit} noValidate className="mt-2 space-y-4">
      <p>The version you choose takes 100% of the live traffic; add a canary or a shadow on the deployment&apos;s page.</p>
      <Field id="deployment-name" label="Name" hint="Letters, digits, '_', '.' and '-'; it appears in URLs and in the prediction endpoint.">
        <Input
          id="deployment-name"
          name="name"
          data-testid="new-deployment-name"
          required
          maxLength={100}
          autoComplete="off"
          placeholder="churn-prod"
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-describedby="deployment-name-hint"
        />
      </Field>
      <Field
        id="deployment-model"
        label="Model"
        hint={models.isError ? `The models could not be loaded: ${models.error.message}` : modelItems.length === 0 && !models.isPending ? "No registered model yet: register a version from a run first." : undefined}
      >
        <Select
          id="deployment-model"
          name="model"
          data-testid="new-deployment-model"
          required
          value={model}
          onChange={(e) => {
            setModel(e.target.value);
            setVersion("");
          }}
        >
          <option value="">{models.isPending ? "Loading models…" : "Choose a model"}</option>
          {modelItems.map((m) => (
            <option key={m.id} value={m.name} disabled={m.versionCount === 0}>
              {m.name}
              {m.versionCount === 0 ? " (no versions)" : ""}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="deployment-environment" label="Environment" hint={environment === "production" ? "Production takes live traffic only on versions approved for it." : "Staging takes any ready version."}>
        <Select
          id="deployment-environment"
          name="environment"
          data-testid="new-deployment-environment"
          value={environment}
          onChange={(e) => {
            setEnvironment(e.target.value === "production" ? "production" : "staging");
            setVersion("");
          }}
        >
          <option value="staging">staging</option>
          <option value="production">production</option>
        </Select>
      </Field>
      <Field
        id="deployment-version"
        label="Initial version"
        hint={
          !model
            ? "Choose a model first."
            : versions.isError
              ? `The versions could not be loaded: ${versions.error.message}`
              : versions.isPending
                ? "Loading versions…"
                : offered.length === 0
                  ? environment === "production"
                    ? `No version of ${model} is approved for production yet: request approval on the model's page, or deploy to staging.`
                    : `${model} has no ready version.`
                  : hidden > 0
                    ? `${hidden} version${hidden === 1 ? " is" : "s are"} not approved for production and not offered.`
                    : undefined
        }
      >
        <Select id="deployment-version" name="version" data-testid="new-deployment-version" required value={version} onChange={(e) => setVersion(e.target.value)} disabled={!model || offered.length === 0}>
          <option value="">Choose a version</option>
          {offered.map((v) => (
            <option key={v.version} value={String(v.version)}>
              v{v.version}
              {v.aliases.length > 0 ? ` (${v.aliases.join(", ")})` : ""}
            </option>
          ))}
        </Select>
      </Field>
      {error ? (
        <div id="new-deployment-error" role="alert" className="text-sm text-red-700" data-testid="new-deployment-error">
          <p>{error}</p>
          {serverDetails.length > 0 && !localError ? (
            <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs">
              {serverDetails.map((d, i) => (
                <li key={i}>{detailText(d)}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="mt-6 flex justify-end gap-3">
        <Button variant="secondary" onClick={onCancel} disabled={create.isPending}>
          Cancel
        </Button>
        <Button type="submit" data-testid="new-deployment-submit" disabled={busy}>
          {busy ? "Creating…" : "Create deployment"}
        </Button>
      </div>
    </form>
  );
}
