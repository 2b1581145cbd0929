import type { Metadata } from "next";
import type { ReactNode } from "react";
import nextPackage from "next/package.json";
import { PlainShell } from "~/components/shell/plain-shell";
import { Badge, Card, PageHeader } from "~/components/ui";
import { formatDateTime, formatRelative, pageTitle } from "~/lib/format";
import { loadProjects, requireViewer } from "~/server/pages";
import { api } from "~/trpc/server";

export const metadata: Metadata = { title: pageTitle("System status") };

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[10rem_1fr] gap-4 py-2.5 text-sm">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 break-words text-zinc-900">{children}</dd>
    </div>
  );
}

/** The system status: database, worker heartbeat, audit trail and versions, measured now. */
export default async function StatusPage() {
  const viewer = await requireViewer();
  const [projects, status] = await Promise.all([loadProjects(), (await api()).system.status()]);
  const now = new Date();
  const worker = status.worker;
  return (
    <PlainShell viewer={viewer} projects={projects.map((p) => ({ slug: p.slug, name: p.name }))}>
      <PageHeader title="System status" description={`Measured when this page was loaded (${formatDateTime(now.toISOString())}). Reload to measure again.`} />
      <div className="grid gap-6 md:grid-cols-2">
        <Card title="Database" actions={<Badge tone={status.database.status === "ok" ? "green" : "red"}>{status.database.status === "ok" ? "OK" : "Error"}</Badge>}>
          <dl className="-my-2 divide-y divide-zinc-100" data-testid="status-database">
            <Row label="Driver">{status.database.driver === "pglite" ? "pglite (embedded)" : "postgres"}</Row>
            <Row label="Server version">PostgreSQL {status.database.serverVersion}</Row>
            <Row label="Latency">{status.database.latencyMs} ms</Row>
          </dl>
        </Card>

        <Card
          title="Worker"
          actions={worker ? <Badge tone={worker.healthy ? "green" : "amber"}>{worker.healthy ? "Healthy" : "Not heard from recently"}</Badge> : <Badge>No heartbeat</Badge>}
        >
          {worker ? (
            <dl className="-my-2 divide-y divide-zinc-100" data-testid="status-worker">
              <Row label="Last heartbeat">
                {formatRelative(worker.lastHeartbeatAt, now)} <span className="text-zinc-500">({formatDateTime(worker.lastHeartbeatAt)})</span>
              </Row>
              <Row label="Host">
                {worker.hostname} (pid {worker.pid})
              </Row>
              <Row label="Version">{worker.version}</Row>
              <Row label="Queues">{worker.queues.length > 0 ? worker.queues.join(", ") : "none"}</Row>
              <Row label="Started">{formatDateTime(worker.startedAt)}</Row>
              {worker.stoppedAt ? <Row label="Stopped">{formatDateTime(worker.stoppedAt)}</Row> : null}
            </dl>
          ) : (
            <p className="text-sm text-zinc-600" data-testid="status-worker">
              No worker has reported yet. Jobs such as training wait in the queue until a worker starts (embedded mode starts one with the
              portal; with Postgres run <code className="text-xs">npm run worker</code>).
            </p>
          )}
        </Card>

        <Card title="Audit trail" description="Every change is recorded in an append-only, hash-chained log.">
          <dl className="-my-2 divide-y divide-zinc-100" data-testid="status-audit">
            <Row label="Events">{status.audit.events.toLocaleString("en-US")}</Row>
            <Row label="Head sequence">{status.audit.headSeq ?? "—"}</Row>
          </dl>
        </Card>

        <Card title="Versions">
          <dl className="-my-2 divide-y divide-zinc-100" data-testid="status-versions">
            <Row label="Keel">{status.versions.keel}</Row>
            <Row label="Node.js">{status.versions.node}</Row>
            <Row label="Next.js">{nextPackage.version}</Row>
          </dl>
        </Card>
      </div>
    </PlainShell>
  );
}
