-- A deployment's traffic history is append-only: a revision, once written, never changes. A DELETE
-- is allowed only as part of a cascade (its deployment, model or project being deleted: the RI
-- action runs as a trigger, so the depth is above 1).
CREATE OR REPLACE FUNCTION keel_deployment_revisions_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'deployment_revisions is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER deployment_revisions_no_update_delete
  BEFORE UPDATE OR DELETE ON "deployment_revisions"
  FOR EACH ROW EXECUTE FUNCTION keel_deployment_revisions_append_only();
--> statement-breakpoint
CREATE TRIGGER deployment_revisions_no_truncate
  BEFORE TRUNCATE ON "deployment_revisions"
  FOR EACH STATEMENT EXECUTE FUNCTION keel_deployment_revisions_append_only();
