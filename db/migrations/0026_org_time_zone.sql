ALTER TABLE "organisations" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
-- Only a named IANA zone, so a row edited by hand cannot break every "today": abbreviations (AEST)
-- and POSIX offsets (UTC+10, whose sign PostgreSQL reads the other way) are refused, as the app's
-- Intl refuses them (declared IMMUTABLE for the CHECK: the answer only changes with tzdata).
CREATE FUNCTION is_time_zone(zone text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT zone <> '' AND length(zone) <= 64 AND EXISTS (SELECT 1 FROM pg_timezone_names n WHERE n.name = zone)
$$;
--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_time_zone_known" CHECK (is_time_zone("time_zone"));
--> statement-breakpoint
-- The one SQL "today": the calendar date in the organisation's zone (server/lib/org-time.ts).
CREATE FUNCTION org_today(organisation uuid) RETURNS date LANGUAGE sql STABLE AS $$
  SELECT (now() AT TIME ZONE o.time_zone)::date FROM organisations o WHERE o.id = organisation
$$;
