"use client";

import type { Member } from "@keel/api";
import { PROJECT_ROLES, ROLE_LABELS, type ProjectRole } from "@keel/auth/permissions";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ConfirmButton } from "~/components/ui/dialog";
import { Alert, Badge, Button, Card, Field, Input, Select, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDate } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { errorMessage, isProjectRole } from "./errors";

export interface MembersCardProps {
  project: string;
  viewerId: string;
  canAdd: boolean;
  canUpdate: boolean;
  canRemove: boolean;
}

export function MembersCard({ project, viewerId, canAdd, canUpdate, canRemove }: MembersCardProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const members = useQuery(trpc.members.list.queryOptions({ project }));
  const [rowError, setRowError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const onChanged = async (message: string) => {
    setRowError(null);
    setNotice(message);
    await queryClient.invalidateQueries(trpc.members.pathFilter());
    // Roles drive navigation and the member count: refresh the server-rendered parts too.
    router.refresh();
  };

  const updateRole = useMutation(
    trpc.members.updateRole.mutationOptions({
      onSuccess: (m) => onChanged(`${m.email} is now ${ROLE_LABELS[m.role].toLowerCase()}.`),
      onError: (err) => {
        setNotice(null);
        setRowError(errorMessage(err));
      },
    }),
  );
  const remove = useMutation(
    trpc.members.remove.mutationOptions({
      onError: (err) => {
        setNotice(null);
        setRowError(errorMessage(err));
      },
    }),
  );

  const items = members.data?.items ?? [];
  const manage = canUpdate || canRemove;

  return (
    <Card
      id="members"
      title="Members"
      description={
        canAdd
          ? "People who can open this project, and their roles. Owners manage members; a project always keeps at least one owner."
          : "People who can open this project, and their roles. Only owners can change members."
      }
    >
      {members.isError ? <Alert tone="error">{errorMessage(members.error)}</Alert> : null}
      {rowError ? (
        <Alert tone="error" className="mb-4">
          {rowError}
        </Alert>
      ) : null}
      {notice ? (
        <Alert tone="success" className="mb-4">
          {notice}
        </Alert>
      ) : null}
      <div className="-mx-5">
        <Table data-testid="members-table" aria-label="Members">
          <THead>
            <TR>
              <TH>Name</TH>
              <TH>Email</TH>
              <TH>Role</TH>
              <TH>Added</TH>
              {manage ? (
                <TH>
                  <span className="sr-only">Actions</span>
                </TH>
              ) : null}
            </TR>
          </THead>
          <TBody>
            {members.isPending ? (
              <TR>
                <TD colSpan={manage ? 5 : 4} className="text-zinc-500">
                  Loading members…
                </TD>
              </TR>
            ) : null}
            {items.map((m: Member) => (
              <TR key={m.userId} data-member-email={m.email}>
                <TD className="font-medium text-zinc-900">
                  {m.name ?? "—"}
                  {m.userId === viewerId ? <span className="ml-2 text-xs font-normal text-zinc-500">(you)</span> : null}
                </TD>
                <TD className="text-zinc-600">{m.email}</TD>
                <TD>
                  {canUpdate ? (
                    <Select
                      aria-label={`Role for ${m.email}`}
                      className="w-52"
                      value={m.role}
                      disabled={updateRole.isPending}
                      onChange={(e) => {
                        const role = e.target.value;
                        if (isProjectRole(role) && role !== m.role) updateRole.mutate({ project, userId: m.userId, role });
                      }}
                    >
                      {PROJECT_ROLES.map((r) => (
                        <option key={r} value={r}>
                          {ROLE_LABELS[r]}
                        </option>
                      ))}
                    </Select>
                  ) : (
                    <Badge tone={m.role === "owner" ? "accent" : "neutral"}>{ROLE_LABELS[m.role]}</Badge>
                  )}
                </TD>
                <TD className="whitespace-nowrap text-zinc-600">{formatDate(m.createdAt)}</TD>
                {manage ? (
                  <TD className="text-right">
                    {canRemove ? (
                      <ConfirmButton
                        aria-label={`Remove ${m.email}`}
                        title={`Remove ${m.name ?? m.email} from ${project}?`}
                        description={
                          <p>
                            {m.email} will lose access to this project at once. The API tokens they created here are revoked with it; the change is
                            recorded in the audit trail.
                          </p>
                        }
                        confirmLabel="Remove member"
                        onConfirm={async () => {
                          await remove.mutateAsync({ project, userId: m.userId }).then(
                            () => onChanged(`${m.email} was removed from the project.`),
                            () => undefined,
                          );
                        }}
                      >
                        Remove
                      </ConfirmButton>
                    ) : null}
                  </TD>
                ) : null}
              </TR>
            ))}
          </TBody>
        </Table>
      </div>
      {canAdd ? (
        <AddMemberForm
          project={project}
          onSubmit={() => {
            setNotice(null);
            setRowError(null);
          }}
          onAdded={(m) => onChanged(`${m.email} was added as ${ROLE_LABELS[m.role].toLowerCase()}.`)}
        />
      ) : null}
    </Card>
  );
}

function AddMemberForm({ project, onSubmit, onAdded }: { project: string; onSubmit: () => void; onAdded: (m: Member) => Promise<void> }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<ProjectRole>("viewer");
  const add = useMutation(
    trpc.members.add.mutationOptions({
      onSuccess: async (m) => {
        setEmail("");
        setRole("viewer");
        await onAdded(m);
      },
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    onSubmit();
    add.mutate({ project, email, role });
  };
  const error = add.isError ? errorMessage(add.error) : null;
  return (
    <form onSubmit={submit} className="mt-5 border-t border-zinc-200 pt-5" aria-labelledby="add-member-title" data-testid="add-member-form" noValidate>
      <h3 id="add-member-title" className="text-sm font-semibold text-zinc-900">
        Add a member
      </h3>
      <p className="mt-1 text-sm text-zinc-600">The person needs a Keel account already; an administrator creates accounts.</p>
      <div className="mt-4 grid items-start gap-4 sm:grid-cols-[1fr_14rem_auto]">
        <Field id="member-email" label="Email">
          <Input
            id="member-email"
            name="email"
            type="email"
            autoComplete="off"
            required
            placeholder="name@company.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "add-member-error" : undefined}
          />
        </Field>
        <Field id="member-role" label="Role">
          <Select id="member-role" name="role" value={role} onChange={(e) => isProjectRole(e.target.value) && setRole(e.target.value)}>
            {PROJECT_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </Select>
        </Field>
        <div className="sm:pt-6">
          <Button type="submit" disabled={add.isPending}>
            {add.isPending ? "Adding…" : "Add member"}
          </Button>
        </div>
      </div>
      {error ? (
        <p id="add-member-error" role="alert" className="mt-3 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </form>
  );
}
