CREATE TYPE "public"."batch_score_status" AS ENUM('queued', 'running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "batch_scores" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"model_version_id" text NOT NULL,
	"input_dataset_version_id" text NOT NULL,
	"output_dataset_name" text NOT NULL,
	"output_dataset_version_id" text,
	"status" "batch_score_status" DEFAULT 'queued' NOT NULL,
	"rows_total" bigint NOT NULL,
	"rows_scored" bigint DEFAULT 0 NOT NULL,
	"error" text,
	"error_details" jsonb,
	"job_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp (3) with time zone,
	"ended_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "batch_scores" ADD CONSTRAINT "batch_scores_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batch_scores" ADD CONSTRAINT "batch_scores_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batch_scores" ADD CONSTRAINT "batch_scores_input_dataset_version_id_dataset_versions_id_fk" FOREIGN KEY ("input_dataset_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batch_scores" ADD CONSTRAINT "batch_scores_output_dataset_version_id_dataset_versions_id_fk" FOREIGN KEY ("output_dataset_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batch_scores" ADD CONSTRAINT "batch_scores_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "batch_scores_project_idx" ON "batch_scores" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "batch_scores_model_version_idx" ON "batch_scores" USING btree ("model_version_id","created_at");--> statement-breakpoint
CREATE INDEX "batch_scores_input_version_idx" ON "batch_scores" USING btree ("input_dataset_version_id");--> statement-breakpoint
CREATE INDEX "batch_scores_output_version_idx" ON "batch_scores" USING btree ("output_dataset_version_id");