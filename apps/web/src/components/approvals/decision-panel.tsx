"use client";

import type { ApprovalRequest } from "@keel/api";
import { ROLE_LABELS, type ProjectRole } from "@keel/auth/permissions";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { Alert, Button, Card, Field } from "~/components/ui";
import { ConfirmButton } from "~/components/ui/dialog";
import { Textarea } from "~/components/ui/textarea";
import { useTRPC } from "~/trpc/react";
import { commentProblem, decisionMode } from "./logic";

interface Props {
  project: string;
  request: ApprovalRequest;
  viewerId: string;
  viewerRole: ProjectRole | null;
  canDecide: boolean;
}

const roleLabel = (r: string) => ROLE_LABELS[r as ProjectRole] ?? r;

/** Approve or reject with a mandatory comment, or the reason the viewer cannot; the requester may withdraw. */
export function DecisionPanel({ project, request, viewerId, viewerRole, canDecide }: Props) {
  const mode = decisionMode({ viewerId, viewerRole, canDecide, request });
  const isRequester = request.requestedBy?.id === viewerId;
  return (
    <Card title="Decision" as="h2" id="decision">
      {mode.kind === "form" ? <DecisionForm project={project} request={request} /> : null}
      {mode.kind === "own-request" ? (
        <div role="note" data-testid="self-approval-notice" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <p className="font-medium">You made this request, so you cannot approve or reject it.</p>
          <p className="mt-1">
            Someone else with the {roleLabel(request.approverRole)} role decides it. Keel refuses a requester&apos;s own decision in the API and in the database too, so this
            rule holds however the request is reached.
          </p>
        </div>
      ) : null}
      {mode.kind === "closed" ? <p className="text-sm text-zinc-600">This request is {request.status}: there is nothing left to decide.</p> : null}
      {mode.kind === "already-decided" ? <p className="text-sm text-zinc-600">You have decided this request; it waits on other approvers.</p> : null}
      {mode.kind === "wrong-role" ? (
        <p className="text-sm text-zinc-600">
          This request is decided by the {roleLabel(mode.approverRole)} role of the project; your role is {viewerRole ? roleLabel(viewerRole) : "none"}.
        </p>
      ) : null}
      {mode.kind === "no-permission" ? <p className="text-sm text-zinc-600">Your role can read the evidence but not decide requests.</p> : null}
      {isRequester && request.status === "pending" ? <WithdrawButton project={project} request={request} /> : null}
    </Card>
  );
}

function DecisionForm({ project, request }: { project: string; request: ApprovalRequest }) {
  const hydrated = useHydrated();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const refresh = () => Promise.all([queryClient.invalidateQueries(trpc.approvals.pathFilter()), queryClient.invalidateQueries(trpc.registry.pathFilter())]);
  const decide = useMutation(
    trpc.approvals.decide.mutationOptions({
      onSuccess: async () => {
        setComment("");
        await refresh();
      },
      // A refusal may have changed the request (e.g. it went stale): show what it is now.
      onError: () => void refresh(),
    }),
  );
  const send = (decision: "approve" | "reject") => {
    const problem = commentProblem(comment);
    if (problem) return setLocalError(problem);
    setLocalError(null);
    decide.mutate({ project, request: request.id, decision, comment: comment.trim() });
  };
  const error = localError ?? decide.error?.message ?? null;
  const gatesFailed = !request.evidence.gatesPassed;
  return (
    <form
      noValidate
      onSubmit={(e) => e.preventDefault()}
      className="space-y-3"
      data-testid="decision-form"
    >
      <Field id="decision-comment" label="Comment" hint="Required for both approve and reject; the requester is notified and the audit trail keeps it.">
        <Textarea
          id="decision-comment"
          rows={4}
          required
          maxLength={5000}
          value={comment}
          onChange={(e) => {
            setComment(e.target.value);
            if (localError && !commentProblem(e.target.value)) setLocalError(null);
          }}
          aria-invalid={localError ? true : undefined}
          aria-describedby={error ? "decision-error" : "decision-comment-hint"}
          data-testid="decision-comment"
        />
      </Field>
      {gatesFailed ? (
        <p className="text-sm text-red-700">A gate failed, so this request cannot be approved (the server refuses it): reject it, or ask for a better version.</p>
      ) : null}
      {error ? (
        <p id="decision-error" role="alert" className="text-sm text-red-700" data-testid="decision-error">
          {error}
        </p>
      ) : null}
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="danger" onClick={() => send("reject")} disabled={!hydrated || decide.isPending} data-testid="decision-reject">
          Reject
        </Button>
        <Button variant="primary" onClick={() => send("approve")} disabled={!hydrated || decide.isPending || gatesFailed} data-testid="decision-approve">
          {decide.isPending ? "Saving…" : request.requiredApprovals - request.approvals > 1 ? "Approve" : `Approve and move ${request.target}`}
        </Button>
      </div>
    </form>
  );
}

function WithdrawButton({ project, request }: { project: string; request: ApprovalRequest }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const withdraw = useMutation(trpc.approvals.withdraw.mutationOptions({ onSettled: () => queryClient.invalidateQueries(trpc.approvals.pathFilter()) }));
  return (
    <div className="mt-4 border-t border-zinc-100 pt-4">
      <ConfirmButton
        title="Withdraw this request?"
        description="The request closes as withdrawn and nobody can decide it any more. Its evidence stays on record; you can make a new request later."
        confirmLabel="Withdraw request"
        onConfirm={() => withdraw.mutateAsync({ project, request: request.id }).then(() => undefined, () => undefined)}
      >
        Withdraw request
      </ConfirmButton>
      {withdraw.error ? (
        <Alert tone="error" className="mt-2">
          {withdraw.error.message}
        </Alert>
      ) : null}
    </div>
  );
}
