import type { DatasetVersion } from "@keel/api";
import { Badge, cn, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { TypeTag } from "./badges";

/** The version's columns, with what changed since its parent highlighted (and the removed ones listed after). */
export function SchemaTable({ version }: { version: DatasetVersion }) {
  const { schemaChanges: changes } = version;
  const added = new Set(changes.added.map((c) => c.name));
  const changed = new Map(changes.changed.map((c) => [c.name, c]));
  return (
    <Table aria-label="Schema" data-testid="schema-table">
      <THead>
        <TR>
          <TH className="w-12 text-right">#</TH>
          <TH>Column</TH>
          <TH>Type</TH>
          <TH>Nullable</TH>
          {changes.against !== null ? <TH>vs v{changes.against}</TH> : null}
        </TR>
      </THead>
      <TBody>
        {version.columns.map((c, i) => {
          const change = changed.get(c.name);
          const isAdded = added.has(c.name);
          return (
            <TR key={c.name} className={cn(isAdded && "bg-emerald-50/70", change && "bg-amber-50/70")} data-column={c.name}>
              <TD className="text-right text-zinc-500 tabular-nums">{i + 1}</TD>
              <TD className="font-mono text-sm font-medium text-zinc-900">{c.name}</TD>
              <TD>
                <TypeTag type={c.type} />
              </TD>
              <TD className="text-zinc-600">{c.nullable ? "yes" : "no"}</TD>
              {changes.against !== null ? (
                <TD>
                  {isAdded ? <Badge tone="green">added</Badge> : null}
                  {change ? (
                    <Badge tone="amber">
                      {change.from.type !== change.to.type ? `was ${change.from.type}` : change.from.nullable ? "was nullable" : "was not nullable"}
                    </Badge>
                  ) : null}
                </TD>
              ) : null}
            </TR>
          );
        })}
        {changes.removed.map((c) => (
          <TR key={`removed-${c.name}`} className="bg-red-50/70 text-zinc-500" data-column={c.name}>
            <TD className="text-right">—</TD>
            <TD className="font-mono text-sm line-through">{c.name}</TD>
            <TD>
              <TypeTag type={c.type} />
            </TD>
            <TD>{c.nullable ? "yes" : "no"}</TD>
            <TD>
              <Badge tone="red">removed</Badge>
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
