CREATE TYPE "public"."prediction_mode" AS ENUM('live', 'shadow');--> statement-breakpoint
CREATE TABLE "prediction_feedback" (
	"deployment_id" text NOT NULL,
	"project_id" text NOT NULL,
	"request_id" text NOT NULL,
	"row_index" integer NOT NULL,
	"actual" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prediction_feedback_pkey" PRIMARY KEY("deployment_id","request_id","row_index"),
	CONSTRAINT "prediction_feedback_row_index_check" CHECK ("prediction_feedback"."row_index" >= 0)
);
--> statement-breakpoint
CREATE TABLE "prediction_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"deployment_id" text NOT NULL,
	"model_version_id" text NOT NULL,
	"model_version" integer NOT NULL,
	"request_id" text NOT NULL,
	"row_index" integer NOT NULL,
	"mode" "prediction_mode" NOT NULL,
	"inputs" jsonb NOT NULL,
	"outputs" jsonb NOT NULL,
	"latency_ms" double precision NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "prediction_feedback" ADD CONSTRAINT "prediction_feedback_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prediction_feedback" ADD CONSTRAINT "prediction_feedback_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prediction_log" ADD CONSTRAINT "prediction_log_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prediction_feedback_deployment_time_idx" ON "prediction_feedback" USING btree ("deployment_id","updated_at");--> statement-breakpoint
CREATE INDEX "prediction_log_deployment_time_idx" ON "prediction_log" USING btree ("deployment_id","created_at");--> statement-breakpoint
CREATE INDEX "prediction_log_request_idx" ON "prediction_log" USING btree ("request_id","row_index");