ALTER TABLE "metrics" DROP CONSTRAINT "metrics_run_id_runs_id_fk";
--> statement-breakpoint
-- metrics has no foreign key (its per-row check cost a third of a batch insert): when runs are
-- deleted (a project or experiment removed), one statement-level trigger removes their points.
CREATE OR REPLACE FUNCTION keel_runs_delete_metrics() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM metrics m USING deleted_runs d WHERE m.run_id = d.id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER runs_delete_metrics
  AFTER DELETE ON "runs"
  REFERENCING OLD TABLE AS deleted_runs
  FOR EACH STATEMENT EXECUTE FUNCTION keel_runs_delete_metrics();
