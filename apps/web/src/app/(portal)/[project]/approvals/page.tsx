import type { Metadata } from "next";
import { ApprovalsInbox } from "~/components/approvals/approvals-inbox";
import { parseStatus } from "~/components/approvals/logic";
import { firstParam } from "~/components/experiments/paths";
import { Forbidden } from "~/components/forbidden";
import { PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { approvalAccess } from "./load";

interface Props {
  params: Promise<{ project: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await params;
  return { title: pageTitle("Approvals", project) };
}

export default async function ApprovalsPage({ params, searchParams }: Props) {
  const { project: slug } = await params;
  const status = parseStatus(firstParam((await searchParams).status));
  const { project, canRead } = await approvalAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="approvals" />;
  const qc = getQueryClient();
  await Promise.all([qc.prefetchQuery(trpc.approvals.inbox.queryOptions()), qc.prefetchQuery(trpc.approvals.list.queryOptions({ project: project.slug }))]);
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={project.name}
        title="Approvals"
        description="Requests to promote a model version to a protected alias such as production, each with the evidence frozen when it was made. Nobody decides their own request."
      />
      <ApprovalsInbox project={project.slug} status={status} />
    </HydrateClient>
  );
}
