"use client";

import type { ApiToken, CreatedApiToken } from "@keel/api";
import { ROLE_LABELS, type ProjectRole } from "@keel/auth/permissions";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ConfirmButton } from "~/components/ui/dialog";
import { Alert, Badge, Button, Card, Field, Input, Select, Table, TBody, TD, TH, THead, TR, type BadgeTone } from "~/components/ui";
import { formatDate, formatDateTime, formatRelative } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { errorMessage, isProjectRole } from "./errors";

export interface TokensCardProps {
  project: string;
  viewerId: string;
  canCreate: boolean;
  /** Owners and administrators revoke any token. */
  canRevokeAny: boolean;
  /** Others revoke the tokens they created. */
  canRevokeOwn: boolean;
  grantableRoles: ProjectRole[];
}

const STATUS_TONE: Record<ApiToken["status"], BadgeTone> = { active: "green", expired: "amber", revoked: "red" };
const STATUS_LABEL: Record<ApiToken["status"], string> = { active: "Active", expired: "Expired", revoked: "Revoked" };

export function TokensCard({ project, viewerId, canCreate, canRevokeAny, canRevokeOwn, grantableRoles }: TokensCardProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions({ project }));
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: () => {
        setRevokeError(null);
        return queryClient.invalidateQueries(trpc.tokens.pathFilter());
      },
      onError: (err) => setRevokeError(errorMessage(err)),
    }),
  );
  const items = tokens.data?.items ?? [];
  const mayRevoke = (t: ApiToken) => t.status === "active" && (canRevokeAny || (canRevokeOwn && t.createdBy === viewerId));

  return (
    <Card
      id="tokens"
      title="API tokens"
      description={
        <>
          Tokens let scripts, notebooks and CI call the REST API (<code className="text-xs">Authorization: Bearer …</code>) with one role in this
          project. Keel stores only a hash: a token is shown once, when it is created.
        </>
      }
    >
      {created ? <NewToken token={created} onDone={() => setCreated(null)} /> : null}
      {tokens.isError ? <Alert tone="error">{errorMessage(tokens.error)}</Alert> : null}
      {revokeError ? (
        <Alert tone="error" className="mb-4">
          {revokeError}
        </Alert>
      ) : null}
      <div className="-mx-5">
        <Table data-testid="tokens-table" aria-label="API tokens">
          <THead>
            <TR>
              <TH>Name</TH>
              <TH>Token</TH>
              <TH>Role</TH>
              <TH>Status</TH>
              <TH>Expires</TH>
              <TH>Last used</TH>
              <TH>Created</TH>
              <TH>
                <span className="sr-only">Actions</span>
              </TH>
            </TR>
          </THead>
          <TBody>
            {tokens.isPending ? (
              <TR>
                <TD colSpan={8} className="text-zinc-500">
                  Loading tokens…
                </TD>
              </TR>
            ) : null}
            {!tokens.isPending && items.length === 0 ? (
              <TR>
                <TD colSpan={8} className="py-6 text-center text-zinc-500">
                  No API tokens yet.{canCreate ? " Create one below to call the REST API from a script." : ""}
                </TD>
              </TR>
            ) : null}
            {items.map((t) => (
              <TR key={t.id} data-token-id={t.id} className={t.status === "active" ? undefined : "text-zinc-500"}>
                <TD className="font-medium text-zinc-900">{t.name}</TD>
                <TD>
                  <code className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700">{t.prefix}…</code>
                </TD>
                <TD className="whitespace-nowrap">{ROLE_LABELS[t.role]}</TD>
                <TD>
                  <Badge tone={STATUS_TONE[t.status]}>{STATUS_LABEL[t.status]}</Badge>
                </TD>
                <TD className="whitespace-nowrap" title={formatDateTime(t.expiresAt, "Never")}>
                  {t.expiresAt ? formatDate(t.expiresAt) : "Never"}
                </TD>
                <TD className="whitespace-nowrap" title={formatDateTime(t.lastUsedAt, "Never used")}>
                  {t.lastUsedAt ? formatRelative(t.lastUsedAt) : "Never"}
                </TD>
                <TD className="whitespace-nowrap" title={formatDateTime(t.createdAt)}>
                  {formatDate(t.createdAt)}
                </TD>
                <TD className="text-right">
                  {mayRevoke(t) ? (
                    <ConfirmButton
                      aria-label={`Revoke ${t.name}`}
                      title={`Revoke the token “${t.name}”?`}
                      description={<p>Scripts using it ({t.prefix}…) will get 401 Unauthorized from now on. This cannot be undone.</p>}
                      confirmLabel="Revoke token"
                      onConfirm={async () => {
                        await revoke.mutateAsync({ project, tokenId: t.id }).catch(() => undefined);
                      }}
                    >
                      Revoke
                    </ConfirmButton>
                  ) : null}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </div>
      {canCreate && grantableRoles.length > 0 ? (
        <CreateTokenForm
          project={project}
          grantableRoles={grantableRoles}
          onCreated={async (t) => {
            setCreated(t);
            await queryClient.invalidateQueries(trpc.tokens.pathFilter());
          }}
        />
      ) : null}
    </Card>
  );
}

function CreateTokenForm({
  project,
  grantableRoles,
  onCreated,
}: {
  project: string;
  grantableRoles: ProjectRole[];
  onCreated: (t: CreatedApiToken) => Promise<void>;
}) {
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [role, setRole] = useState<ProjectRole>(grantableRoles.includes("viewer") ? "viewer" : (grantableRoles[0] ?? "viewer"));
  const [days, setDays] = useState("90");
  const [never, setNever] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: async (t) => {
        setName("");
        await onCreated(t);
      },
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setLocalError(null);
    let expiresInDays: number | undefined;
    if (!never) {
      const n = Number(days);
      if (!Number.isInteger(n) || n < 1 || n > 3650) {
        setLocalError("Expires in (days): enter a whole number of days from 1 to 3650, or choose “Never expires”.");
        return;
      }
      expiresInDays = n;
    }
    create.mutate({ project, name, role, expiresInDays });
  };
  const error = localError ?? (create.isError ? errorMessage(create.error) : null);
  return (
    <form onSubmit={submit} className="mt-5 border-t border-zinc-200 pt-5" aria-labelledby="create-token-title" data-testid="create-token-form" noValidate>
      <h3 id="create-token-title" className="text-sm font-semibold text-zinc-900">
        Create a token
      </h3>
      <p className="mt-1 text-sm text-zinc-600">
        A token acts with the role you give it, in this project only. You can give your own role or a narrower one.
      </p>
      <div className="mt-4 grid items-start gap-4 sm:grid-cols-2 lg:grid-cols-[1fr_13rem_11rem]">
        <Field id="token-name" label="Name" hint="What uses it, e.g. “nightly retrain CI”.">
          <Input id="token-name" name="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="token-role" label="Role">
          <Select id="token-role" name="role" value={role} onChange={(e) => isProjectRole(e.target.value) && setRole(e.target.value)}>
            {grantableRoles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="token-days" label="Expires in (days)">
          <Input
            id="token-days"
            name="expiresInDays"
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            value={never ? "" : days}
            disabled={never}
            onChange={(e) => setDays(e.target.value)}
          />
          <label className="mt-2 flex items-center gap-2 text-sm text-zinc-700">
            <input
              type="checkbox"
              name="never"
              className="size-4 rounded border-zinc-300 accent-accent-600"
              checked={never}
              onChange={(e) => setNever(e.target.checked)}
            />
            Never expires
          </label>
        </Field>
      </div>
      <div className="mt-4 flex items-center gap-3">
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create token"}
        </Button>
      </div>
      {error ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </form>
  );
}

/** The new secret, shown once, with a copy button and a warning. */
function NewToken({ token, onDone }: { token: CreatedApiToken; onDone: () => void }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <div data-testid="new-token" className="mb-5 rounded-lg border border-amber-300 bg-amber-50 p-4" role="status">
      <p className="text-sm font-semibold text-amber-900">Copy the token “{token.name}” now: it will not be shown again.</p>
      <p className="mt-1 text-sm text-amber-900/80">
        Keel keeps only a hash of it. Store it in your secret manager; if it is lost, revoke it and create another.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <label htmlFor="new-token-value" className="sr-only">
          New API token
        </label>
        <input
          id="new-token-value"
          readOnly
          value={token.token}
          onFocus={(e) => e.currentTarget.select()}
          className="h-9 min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 font-mono text-sm text-zinc-900"
          data-testid="new-token-value"
        />
        <Button variant="secondary" onClick={copy}>
          {copied === "copied" ? "Copied" : "Copy"}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
      <p className="mt-2 text-xs text-amber-900/80" aria-live="polite">
        {copied === "copied" ? "Copied to the clipboard." : copied === "failed" ? "Could not copy: select the text and copy it by hand." : ""}
      </p>
    </div>
  );
}
