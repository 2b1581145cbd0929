-- A model version is a record: the database refuses to change it. The one change allowed is
-- archiving (status ready → archived); nothing else on the row may move, and an archived version
-- stays archived. Deleting is left to ON DELETE CASCADE from its model or project.
CREATE OR REPLACE FUNCTION keel_model_versions_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - 'status') IS DISTINCT FROM (to_jsonb(OLD) - 'status')
     OR NOT (NEW.status = OLD.status OR (OLD.status = 'ready' AND NEW.status = 'archived')) THEN
    RAISE EXCEPTION 'model version % is immutable: only archiving (ready → archived) is allowed', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER model_versions_no_update
  BEFORE UPDATE ON "model_versions"
  FOR EACH ROW EXECUTE FUNCTION keel_model_versions_immutable();
--> statement-breakpoint
-- The alias history is append-only. A DELETE is allowed only as part of a cascade (its model or
-- project being deleted: the RI action runs as a trigger, so the depth is above 1).
CREATE OR REPLACE FUNCTION keel_model_alias_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'model_alias_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER model_alias_events_no_update_delete
  BEFORE UPDATE OR DELETE ON "model_alias_events"
  FOR EACH ROW EXECUTE FUNCTION keel_model_alias_events_append_only();
--> statement-breakpoint
CREATE TRIGGER model_alias_events_no_truncate
  BEFORE TRUNCATE ON "model_alias_events"
  FOR EACH STATEMENT EXECUTE FUNCTION keel_model_alias_events_append_only();
