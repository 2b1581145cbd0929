"use client";

import type { ModelVersion } from "@keel/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button, Card, Field } from "~/components/ui";
import { Textarea } from "~/components/ui/textarea";
import { formatDateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

const SECTIONS = [
  { key: "intendedUse", label: "Intended use", placeholder: "Who uses the model, for which decisions, on which population…" },
  { key: "limitations", label: "Limitations", placeholder: "Where it is known to be weak, data it was not trained on, failure modes…" },
  { key: "ethicalConsiderations", label: "Ethical considerations", placeholder: "Sensitive attributes, fairness checks done, risks of misuse…" },
] as const;

type CardKey = (typeof SECTIONS)[number]["key"];

/**
 * Markdown text shown as written, with its line breaks: no HTML is ever interpreted (no markdown
 * library is installed in the portal, and user text must not become markup).
 */
export function PlainMarkdown({ text, empty }: { text: string; empty: string }) {
  if (!text.trim()) return <p className="text-sm text-zinc-400 italic">{empty}</p>;
  return <div className="text-sm leading-relaxed break-words whitespace-pre-wrap text-zinc-800">{text}</div>;
}

/** The model card of a version: three markdown sections; builders edit them (each save is audited). */
export function ModelCardView({ project, version, canWrite }: { project: string; version: ModelVersion; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Record<CardKey, string>>({
    intendedUse: version.card.intendedUse,
    limitations: version.card.limitations,
    ethicalConsiderations: version.card.ethicalConsiderations,
  });
  const save = useMutation(
    trpc.registry.updateCard.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.registry.pathFilter());
        setEditing(false);
      },
    }),
  );
  const startEditing = () => {
    setDraft({ intendedUse: version.card.intendedUse, limitations: version.card.limitations, ethicalConsiderations: version.card.ethicalConsiderations });
    save.reset();
    setEditing(true);
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate({ project, model: version.model, version: version.version, ...draft });
  };
  return (
    <Card
      id="model-card"
      title="Model card"
      description={
        version.card.updatedAt
          ? `Last edited by ${version.card.updatedBy?.name ?? "—"}, ${formatDateTime(version.card.updatedAt)}. The facts below it come from the lineage and cannot be edited.`
          : "Intended use, limitations and ethical considerations, written by the people who built the model."
      }
      actions={
        canWrite && !editing ? (
          <Button size="sm" variant="secondary" onClick={startEditing} data-testid="edit-model-card">
            Edit card
          </Button>
        ) : null
      }
    >
      {editing ? (
        <form onSubmit={submit} className="space-y-4" data-testid="model-card-form">
          {SECTIONS.map((s) => (
            <Field key={s.key} id={`card-${s.key}`} label={s.label} hint="Markdown; shown as plain text with its line breaks.">
              <Textarea
                id={`card-${s.key}`}
                rows={5}
                maxLength={20_000}
                placeholder={s.placeholder}
                value={draft[s.key]}
                onChange={(e) => setDraft((d) => ({ ...d, [s.key]: e.target.value }))}
                data-testid={`card-${s.key}`}
              />
            </Field>
          ))}
          {save.error ? (
            <p role="alert" className="text-sm text-red-700">
              {save.error.message}
            </p>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setEditing(false)} disabled={save.isPending}>
              Cancel
            </Button>
            <Button type="submit" disabled={save.isPending} data-testid="model-card-save">
              {save.isPending ? "Saving…" : "Save card"}
            </Button>
          </div>
        </form>
      ) : (
        <div className="space-y-5">
          {SECTIONS.map((s) => (
            <section key={s.key} aria-label={s.label}>
              <h3 className="mb-1 text-sm font-semibold text-zinc-900">{s.label}</h3>
              <PlainMarkdown text={version.card[s.key]} empty={canWrite ? "Not written yet: use “Edit card”." : "Not written yet."} />
            </section>
          ))}
        </div>
      )}
    </Card>
  );
}
