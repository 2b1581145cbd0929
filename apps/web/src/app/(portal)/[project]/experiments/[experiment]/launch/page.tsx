import type { Metadata } from "next";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { LaunchForm } from "~/components/experiments/launch-form";
import { experimentPath, experimentsPath } from "~/components/experiments/paths";
import { Forbidden } from "~/components/forbidden";
import { PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { decodeSegment, experimentAccess, loadExperiment } from "../../load";

interface Props {
  params: Promise<{ project: string; experiment: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, experiment } = await params;
  return { title: pageTitle("Launch run", decodeSegment(experiment), "Experiments", project) };
}

export default async function LaunchPage({ params }: Props) {
  const { project: slug, experiment: rawName } = await params;
  const { project, canRead, canWrite } = await experimentAccess(slug);
  if (!canRead || !canWrite) return <Forbidden project={project.slug} role={project.role} what="launching runs" />;
  const e = await loadExperiment(project.slug, rawName);
  return (
    <>
      <PageHeader
        eyebrow={
          <Breadcrumbs items={[{ label: "Experiments", href: experimentsPath(project.slug) }, { label: e.name, href: experimentPath(project.slug, e.name) }, { label: "Launch" }]} />
        }
        title="Launch a training run"
        description="The run is queued for Keel's training worker; its page shows the curves live as it trains."
      />
      <LaunchForm project={project.slug} experiment={e.name} />
    </>
  );
}
