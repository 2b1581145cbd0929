CREATE TYPE "public"."deployment_environment" AS ENUM('staging', 'production');--> statement-breakpoint
CREATE TABLE "deployment_revisions" (
	"deployment_id" text NOT NULL,
	"revision" integer NOT NULL,
	"routes" jsonb NOT NULL,
	"reason" text NOT NULL,
	"actor_id" text,
	"actor_name" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployment_revisions_pkey" PRIMARY KEY("deployment_id","revision"),
	CONSTRAINT "deployment_revisions_revision_check" CHECK ("deployment_revisions"."revision" >= 1)
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"model_id" text NOT NULL,
	"name" text NOT NULL,
	"environment" "deployment_environment" NOT NULL,
	"current_revision" integer DEFAULT 1 NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deployment_revisions" ADD CONSTRAINT "deployment_revisions_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_model_id_registered_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."registered_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deployment_revisions_at_idx" ON "deployment_revisions" USING btree ("deployment_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "deployments_project_name_key" ON "deployments" USING btree ("project_id",lower("name"));--> statement-breakpoint
CREATE INDEX "deployments_model_idx" ON "deployments" USING btree ("model_id");