-- Dataset versions are immutable: the database itself refuses to change one.
-- (Deleting is left to ON DELETE CASCADE from a project or dataset.)
CREATE OR REPLACE FUNCTION keel_dataset_versions_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'dataset versions are immutable: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dataset_versions_no_update
  BEFORE UPDATE ON "dataset_versions"
  FOR EACH ROW EXECUTE FUNCTION keel_dataset_versions_immutable();
