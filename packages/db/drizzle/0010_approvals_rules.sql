-- The requester of a promotion can never decide it: enforced here as well as in the service,
-- so no code path (or hand-written SQL) can record a self-approval.
CREATE OR REPLACE FUNCTION keel_approval_decisions_not_requester() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  requester text;
BEGIN
  SELECT requested_by INTO requester FROM approval_requests WHERE id = NEW.request_id;
  IF requester IS NOT NULL AND requester = NEW.decided_by THEN
    RAISE EXCEPTION 'the requester of approval request % cannot decide it', NEW.request_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'approval_decisions_not_requester';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER approval_decisions_not_requester
  BEFORE INSERT OR UPDATE ON "approval_decisions"
  FOR EACH ROW EXECUTE FUNCTION keel_approval_decisions_not_requester();
--> statement-breakpoint
-- What a request asks for and the evidence frozen into it never change: only its status and
-- decision time move (pending → approved | rejected | withdrawn | stale, once).
CREATE OR REPLACE FUNCTION keel_approval_requests_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - 'status' - 'decided_at') IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'decided_at')
     OR (OLD.status <> 'pending' AND NEW.status IS DISTINCT FROM OLD.status) THEN
    RAISE EXCEPTION 'approval request % is frozen: only a pending request''s status may change', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER approval_requests_frozen
  BEFORE UPDATE ON "approval_requests"
  FOR EACH ROW EXECUTE FUNCTION keel_approval_requests_frozen();
