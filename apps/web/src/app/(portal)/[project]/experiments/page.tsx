import type { Metadata } from "next";
import { SectionPlaceholder } from "~/components/section-page";
import { pageTitle } from "~/lib/format";

interface Props {
  params: Promise<{ project: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await params;
  return { title: pageTitle("Experiments", project) };
}

export default async function ExperimentsPage({ params }: Props) {
  const { project } = await params;
  return <SectionPlaceholder slug={project} sectionKey="experiments" />;
}
