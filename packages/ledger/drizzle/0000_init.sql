CREATE TABLE "acknowledgments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "acknowledgments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"direction" text NOT NULL,
	"kind" text NOT NULL,
	"interchange_id" bigint NOT NULL,
	"group_id" bigint,
	"set_id" bigint,
	"code" text,
	"carrier_interchange_id" bigint,
	"control_number" text,
	"archive_id" bigint,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "archive_entries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "archive_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	"location" text NOT NULL,
	"media_type" text,
	"kind" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "as2_messages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "as2_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"direction" text NOT NULL,
	"partner_id" text NOT NULL,
	"message_id" text NOT NULL,
	"as2_from" text,
	"as2_to" text,
	"subject" text,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"error" text,
	"mic" text,
	"mic_algorithm" text,
	"mdn_mode" text DEFAULT 'none' NOT NULL,
	"mdn_signed" boolean DEFAULT false NOT NULL,
	"mdn_url" text,
	"mdn_sent_at" timestamp (3) with time zone,
	"mdn_received_at" timestamp (3) with time zone,
	"mdn_disposition" text,
	"mdn_mic_matched" boolean,
	"archive_id" bigint,
	"mdn_archive_id" bigint,
	"duplicate_of" bigint
);
--> statement-breakpoint
CREATE TABLE "control_sequences" (
	"partner_id" text NOT NULL,
	"level" text NOT NULL,
	"value" bigint NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "control_sequences_partner_id_level_pk" PRIMARY KEY("partner_id","level")
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "documents_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"direction" text NOT NULL,
	"partner_id" text,
	"transaction_set_id" bigint,
	"interchange_id" bigint,
	"document_type" text NOT NULL,
	"map_id" text NOT NULL,
	"map_version" text NOT NULL,
	"body" jsonb NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "functional_groups" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "functional_groups_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"interchange_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"functional_id" text NOT NULL,
	"control_number" text NOT NULL,
	"version" text NOT NULL,
	"sender_id" text,
	"receiver_id" text,
	"set_count" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"duplicate_of" bigint
);
--> statement-breakpoint
CREATE TABLE "interchanges" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "interchanges_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"direction" text NOT NULL,
	"partner_id" text,
	"standard" text NOT NULL,
	"sender_qualifier" text NOT NULL,
	"sender_id" text NOT NULL,
	"receiver_qualifier" text NOT NULL,
	"receiver_id" text NOT NULL,
	"control_number" text NOT NULL,
	"version" text NOT NULL,
	"test" boolean DEFAULT false NOT NULL,
	"ack_requested" boolean DEFAULT false NOT NULL,
	"envelope_date" text,
	"envelope_time" text,
	"group_count" integer DEFAULT 0 NOT NULL,
	"set_count" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"issues" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"dedupe_until" timestamp (3) with time zone NOT NULL,
	"dedupe_active" boolean DEFAULT true NOT NULL,
	"duplicate_of" bigint,
	"as2_message_id" bigint,
	"archive_id" bigint
);
--> statement-breakpoint
CREATE TABLE "issued_control_numbers" (
	"partner_id" text NOT NULL,
	"level" text NOT NULL,
	"value" bigint NOT NULL,
	"issued_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "issued_control_numbers_partner_id_level_value_pk" PRIMARY KEY("partner_id","level","value")
);
--> statement-breakpoint
CREATE TABLE "transaction_sets" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "transaction_sets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"group_id" bigint NOT NULL,
	"interchange_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"set_id" text NOT NULL,
	"control_number" text NOT NULL,
	"version" text NOT NULL,
	"status" text NOT NULL,
	"segment_count" integer,
	"duplicate_of" bigint
);
--> statement-breakpoint
ALTER TABLE "acknowledgments" ADD CONSTRAINT "acknowledgments_interchange_id_interchanges_id_fk" FOREIGN KEY ("interchange_id") REFERENCES "public"."interchanges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "acknowledgments" ADD CONSTRAINT "acknowledgments_group_id_functional_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."functional_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "acknowledgments" ADD CONSTRAINT "acknowledgments_set_id_transaction_sets_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."transaction_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "acknowledgments" ADD CONSTRAINT "acknowledgments_carrier_interchange_id_interchanges_id_fk" FOREIGN KEY ("carrier_interchange_id") REFERENCES "public"."interchanges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "acknowledgments" ADD CONSTRAINT "acknowledgments_archive_id_archive_entries_id_fk" FOREIGN KEY ("archive_id") REFERENCES "public"."archive_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "as2_messages" ADD CONSTRAINT "as2_messages_archive_id_archive_entries_id_fk" FOREIGN KEY ("archive_id") REFERENCES "public"."archive_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "as2_messages" ADD CONSTRAINT "as2_messages_mdn_archive_id_archive_entries_id_fk" FOREIGN KEY ("mdn_archive_id") REFERENCES "public"."archive_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "as2_messages" ADD CONSTRAINT "as2_messages_duplicate_of_as2_messages_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."as2_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_transaction_set_id_transaction_sets_id_fk" FOREIGN KEY ("transaction_set_id") REFERENCES "public"."transaction_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_interchange_id_interchanges_id_fk" FOREIGN KEY ("interchange_id") REFERENCES "public"."interchanges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "functional_groups" ADD CONSTRAINT "functional_groups_interchange_id_interchanges_id_fk" FOREIGN KEY ("interchange_id") REFERENCES "public"."interchanges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "functional_groups" ADD CONSTRAINT "functional_groups_duplicate_of_functional_groups_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."functional_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interchanges" ADD CONSTRAINT "interchanges_duplicate_of_interchanges_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."interchanges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interchanges" ADD CONSTRAINT "interchanges_as2_message_id_as2_messages_id_fk" FOREIGN KEY ("as2_message_id") REFERENCES "public"."as2_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interchanges" ADD CONSTRAINT "interchanges_archive_id_archive_entries_id_fk" FOREIGN KEY ("archive_id") REFERENCES "public"."archive_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transaction_sets" ADD CONSTRAINT "transaction_sets_group_id_functional_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."functional_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transaction_sets" ADD CONSTRAINT "transaction_sets_interchange_id_interchanges_id_fk" FOREIGN KEY ("interchange_id") REFERENCES "public"."interchanges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transaction_sets" ADD CONSTRAINT "transaction_sets_duplicate_of_transaction_sets_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."transaction_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "acknowledgments_interchange_idx" ON "acknowledgments" USING btree ("interchange_id","direction");--> statement-breakpoint
CREATE UNIQUE INDEX "archive_entries_sha256_location_uq" ON "archive_entries" USING btree ("sha256","location");--> statement-breakpoint
CREATE UNIQUE INDEX "as2_messages_message_id_uq" ON "as2_messages" USING btree ("partner_id","direction","message_id") WHERE "as2_messages"."duplicate_of" is null;--> statement-breakpoint
CREATE INDEX "as2_messages_at_idx" ON "as2_messages" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "documents_interchange_idx" ON "documents" USING btree ("interchange_id");--> statement-breakpoint
CREATE UNIQUE INDEX "functional_groups_control_number_uq" ON "functional_groups" USING btree ("interchange_id","control_number") WHERE "functional_groups"."duplicate_of" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "interchanges_dedupe_uq" ON "interchanges" USING btree ("direction","sender_qualifier","sender_id","receiver_qualifier","receiver_id","control_number") WHERE "interchanges"."dedupe_active";--> statement-breakpoint
CREATE INDEX "interchanges_at_idx" ON "interchanges" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "interchanges_control_number_idx" ON "interchanges" USING btree ("control_number");--> statement-breakpoint
CREATE INDEX "interchanges_partner_at_idx" ON "interchanges" USING btree ("partner_id","at");--> statement-breakpoint
CREATE INDEX "interchanges_dedupe_until_idx" ON "interchanges" USING btree ("dedupe_until") WHERE "interchanges"."dedupe_active";--> statement-breakpoint
CREATE INDEX "interchanges_duplicate_of_idx" ON "interchanges" USING btree ("duplicate_of");--> statement-breakpoint
CREATE INDEX "issued_control_numbers_issued_at_idx" ON "issued_control_numbers" USING btree ("issued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "transaction_sets_control_number_uq" ON "transaction_sets" USING btree ("group_id","control_number") WHERE "transaction_sets"."duplicate_of" is null;--> statement-breakpoint
CREATE INDEX "transaction_sets_interchange_idx" ON "transaction_sets" USING btree ("interchange_id");