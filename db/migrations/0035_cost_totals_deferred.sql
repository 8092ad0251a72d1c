CREATE TABLE "cost_totals_deferred" (
	"txid" bigint DEFAULT (pg_current_xact_id()::text)::bigint NOT NULL,
	"project_id" uuid NOT NULL,
	"cost_code_id" uuid,
	"figures" text,
	"ob" numeric(18, 2) DEFAULT '0' NOT NULL,
	"bt" numeric(18, 2) DEFAULT '0' NOT NULL,
	"aco" numeric(18, 2) DEFAULT '0' NOT NULL,
	"pbc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"proceeding" numeric(18, 2) DEFAULT '0' NOT NULL,
	"pcc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"cc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"cc_from_cos" numeric(18, 2) DEFAULT '0' NOT NULL,
	"cc_lines" integer DEFAULT 0 NOT NULL,
	"ac" numeric(18, 2) DEFAULT '0' NOT NULL,
	"dc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"ac_lines" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cost_totals_deferred_tx" (
	"txid" bigint PRIMARY KEY DEFAULT (pg_current_xact_id()::text)::bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "cost_totals_deferred_txid_idx" ON "cost_totals_deferred" USING btree ("txid");
