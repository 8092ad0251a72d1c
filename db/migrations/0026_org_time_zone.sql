ALTER TABLE "organisations" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
-- A zone PostgreSQL does not know is refused here too, so a row edited by hand cannot break every
-- "today" (declared IMMUTABLE for the CHECK: the answer only changes if a zone is removed from tzdata).
CREATE FUNCTION is_time_zone(zone text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM timestamptz '2000-01-01 00:00:00+00' AT TIME ZONE zone;
  RETURN zone <> '' AND length(zone) <= 64;
EXCEPTION WHEN invalid_parameter_value THEN
  RETURN false;
END $$;
--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_time_zone_known" CHECK (is_time_zone("time_zone"));
--> statement-breakpoint
-- The one SQL "today": the calendar date in the organisation's zone (server/lib/org-time.ts).
CREATE FUNCTION org_today(organisation uuid) RETURNS date LANGUAGE sql STABLE AS $$
  SELECT (now() AT TIME ZONE o.time_zone)::date FROM organisations o WHERE o.id = organisation
$$;
