import type { Metadata } from "next";
import Link from "next/link";
import { EvidenceView, LiveRequestStatus } from "~/components/approvals/evidence-view";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { Forbidden } from "~/components/forbidden";
import { approvalsPath, modelPath, versionPath } from "~/components/registry/paths";
import { formatDateTime, pageTitle } from "~/lib/format";
import { PageHeader } from "~/components/ui";
import { requireViewer } from "~/server/pages";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { decodeSegment, orNotFound } from "../../datasets/load";
import { approvalAccess } from "../load";

interface Props {
  params: Promise<{ project: string; request: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, request } = await params;
  return { title: pageTitle(`Request ${decodeSegment(request).slice(0, 12)}`, "Approvals", project) };
}

const link = "text-accent-700 underline-offset-4 hover:underline";

export default async function ApprovalRequestPage({ params }: Props) {
  const { project: slug, request: rawId } = await params;
  const viewer = await requireViewer();
  const { project, canRead, canDecide } = await approvalAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="approvals" />;
  const r = await orNotFound(getQueryClient().fetchQuery(trpc.approvals.get.queryOptions({ project: project.slug, request: decodeSegment(rawId) })));
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={<Breadcrumbs items={[{ label: "Approvals", href: approvalsPath(project.slug) }, { label: r.id }]} />}
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span>
              Promote {r.model} v{r.version} to {r.target}
            </span>
            <LiveRequestStatus project={project.slug} requestId={r.id} />
          </span>
        }
        description={
          <>
            Requested by {r.requestedBy?.name ?? "—"}, {formatDateTime(r.createdAt)}.{" "}
            <Link className={link} href={versionPath(project.slug, r.model, r.version)}>
              Open version {r.version}
            </Link>{" "}
            ·{" "}
            <Link className={link} href={modelPath(project.slug, r.model)}>
              the model
            </Link>
          </>
        }
      />
      <EvidenceView project={project.slug} requestId={r.id} viewerId={viewer.id} viewerRole={project.role} canDecide={canDecide} />
    </HydrateClient>
  );
}
