CREATE TYPE "public"."model_version_status" AS ENUM('ready', 'archived');--> statement-breakpoint
CREATE TABLE "model_alias_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"alias" text NOT NULL,
	"from_version_id" text,
	"to_version_id" text,
	"actor_id" text,
	"actor_name" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_aliases" (
	"model_id" text NOT NULL,
	"alias" text NOT NULL,
	"version_id" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_aliases_pkey" PRIMARY KEY("model_id","alias")
);
--> statement-breakpoint
CREATE TABLE "model_cards" (
	"version_id" text PRIMARY KEY NOT NULL,
	"intended_use" text DEFAULT '' NOT NULL,
	"limitations" text DEFAULT '' NOT NULL,
	"ethical_considerations" text DEFAULT '' NOT NULL,
	"updated_by" text,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"project_id" text NOT NULL,
	"version" integer NOT NULL,
	"run_id" text NOT NULL,
	"dataset_version_id" text,
	"status" "model_version_status" DEFAULT 'ready' NOT NULL,
	"signature" jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"artifacts" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registered_models" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"protected_aliases" text[] DEFAULT '{production}'::text[] NOT NULL,
	"next_version" integer DEFAULT 1 NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "model_alias_events" ADD CONSTRAINT "model_alias_events_model_id_registered_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."registered_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_model_id_registered_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."registered_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_cards" ADD CONSTRAINT "model_cards_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_cards" ADD CONSTRAINT "model_cards_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_model_id_registered_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."registered_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_dataset_version_id_dataset_versions_id_fk" FOREIGN KEY ("dataset_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registered_models" ADD CONSTRAINT "registered_models_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registered_models" ADD CONSTRAINT "registered_models_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "model_alias_events_model_alias_idx" ON "model_alias_events" USING btree ("model_id","alias","at","id");--> statement-breakpoint
CREATE INDEX "model_aliases_version_idx" ON "model_aliases" USING btree ("version_id");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_model_version_key" ON "model_versions" USING btree ("model_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_model_run_key" ON "model_versions" USING btree ("model_id","run_id");--> statement-breakpoint
CREATE INDEX "model_versions_project_idx" ON "model_versions" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "model_versions_run_idx" ON "model_versions" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "registered_models_project_name_key" ON "registered_models" USING btree ("project_id",lower("name"));