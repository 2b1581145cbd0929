import { grantableTokenRoles } from "@keel/auth/permissions";
import type { Metadata } from "next";
import { Forbidden } from "~/components/forbidden";
import { PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { loadProject, requireViewer } from "~/server/pages";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { MembersCard } from "./members-card";
import { TokensCard } from "./tokens-card";

interface Props {
  params: Promise<{ project: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await params;
  return { title: pageTitle("Settings", project) };
}

export default async function SettingsPage({ params }: Props) {
  const { project: slug } = await params;
  const viewer = await requireViewer();
  const project = await loadProject(slug);
  const can = (p: string) => project.permissions.includes(p);
  if (!can("project.settings.read")) {
    return <Forbidden project={project.slug} role={project.role} what="project settings" />;
  }
  // Fetched on the server and handed to the client components (no loading flash, no second request).
  const queryClient = getQueryClient();
  await Promise.all([
    can("project.member.read") ? queryClient.prefetchQuery(trpc.members.list.queryOptions({ project: slug })) : null,
    can("project.token.read") ? queryClient.prefetchQuery(trpc.tokens.list.queryOptions({ project: slug })) : null,
  ]);
  const isOwner = viewer.isAdmin || project.role === "owner";
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={project.name}
        title="Settings"
        description="Who can work in this project and with which role, and the API tokens scripts use to call Keel's REST API."
      />
      <div className="space-y-8">
        {can("project.member.read") ? (
          <MembersCard
            project={slug}
            viewerId={viewer.id}
            canAdd={can("project.member.add")}
            canUpdate={can("project.member.update")}
            canRemove={can("project.member.remove")}
          />
        ) : null}
        {can("project.token.read") ? (
          <TokensCard
            project={slug}
            viewerId={viewer.id}
            canCreate={can("project.token.create")}
            canRevokeAny={isOwner}
            canRevokeOwn={can("project.token.revoke")}
            grantableRoles={grantableTokenRoles({ authenticated: true, isAdmin: viewer.isAdmin, projectRole: project.role ?? undefined })}
          />
        ) : null}
      </div>
    </HydrateClient>
  );
}
