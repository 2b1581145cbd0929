-- A run that ended (succeeded, failed or cancelled) is a record: the database refuses to change it.
-- The one exception is rerun_of_run_id, which ON DELETE SET NULL clears when the run it points at
-- goes away. Tags live in run_tags and may still change; deleting is left to ON DELETE CASCADE.
CREATE OR REPLACE FUNCTION keel_runs_ended_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('succeeded', 'failed', 'cancelled')
     AND (to_jsonb(NEW) - 'rerun_of_run_id') IS DISTINCT FROM (to_jsonb(OLD) - 'rerun_of_run_id') THEN
    RAISE EXCEPTION 'run % has ended (%): it can no longer change', OLD.id, OLD.status
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER runs_ended_no_update
  BEFORE UPDATE ON "runs"
  FOR EACH ROW EXECUTE FUNCTION keel_runs_ended_immutable();
