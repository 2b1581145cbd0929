import Form from "next/form";
import { Button, cn, Select } from "~/components/ui";
import { datasetPath } from "./paths";

/**
 * Picks two versions and opens the compare view. A plain GET form (`?base=…&target=…`), so it
 * works from the keyboard and without JavaScript; next/form navigates on the client when it can.
 */
export function CompareForm({
  project,
  dataset,
  versions,
  base,
  target,
  compact = false,
}: {
  project: string;
  dataset: string;
  /** Version numbers, newest first. */
  versions: number[];
  base?: number;
  target?: number;
  /** One line for a card header ("Compare [v1] with [v2]"); otherwise labelled fields. */
  compact?: boolean;
}) {
  const newest = versions[0] ?? 1;
  const previous = versions[1] ?? newest;
  const id = compact ? "compare-compact" : "compare";
  const key = versions.join(",");
  const picker = (name: "base" | "target", value: number, label: string) => (
    <div className={compact ? "flex items-center gap-2" : "space-y-1.5"}>
      <label htmlFor={`${id}-${name}`} className={compact ? "text-sm text-zinc-600" : "block text-sm font-medium text-zinc-800"}>
        {label}
      </label>
      <Select key={`${name}-${key}`} id={`${id}-${name}`} name={name} defaultValue={String(value)} className={compact ? "h-8 w-28" : "w-40"}>
        {versions.map((v) => (
          <option key={v} value={v}>
            Version {v}
          </option>
        ))}
      </Select>
    </div>
  );
  return (
    <Form action={`${datasetPath(project, dataset)}/compare`} className={cn("flex flex-wrap items-end gap-3", compact && "gap-2")} aria-label="Compare two versions">
      {picker("base", base ?? previous, compact ? "Compare" : "Reference (base)")}
      {!compact ? (
        <span aria-hidden="true" className="pb-2 text-zinc-400">
          →
        </span>
      ) : null}
      {picker("target", target ?? newest, compact ? "with" : "Current (target)")}
      <Button type="submit" variant={compact ? "secondary" : "primary"} size={compact ? "sm" : "md"}>
        Compare
      </Button>
    </Form>
  );
}
