/**
 * The ledger's tables (drizzle-orm, PostgreSQL dialect). The SQL migrations in
 * `packages/ledger/drizzle/` are generated from this file by drizzle-kit
 * (`pnpm --filter @edigate/ledger db:generate`) and committed; never edit them by hand.
 *
 * Tables carry no schema name: the ledger runs in whatever schema the
 * connection's `search_path` names (one schema per test run, `public` otherwise).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
// Millisecond precision: a JavaScript Date holds exactly what is stored, so pagination cursors compare exactly.
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** Raw payloads kept as evidence: where the bytes are, their sha256 and size. */
export const archiveEntries = pgTable(
  'archive_entries',
  {
    id: id(),
    sha256: text('sha256').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** Where the bytes are stored (a path or URI of the archive store). */
    location: text('location').notNull(),
    mediaType: text('media_type'),
    /** What the entry holds: `as2-request`, `mdn`, `payload`, `ack`, … */
    kind: text('kind'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('archive_entries_sha256_location_uq').on(t.sha256, t.location)],
);

/** AS2 messages received and sent, with their MDN. */
export const as2Messages = pgTable(
  'as2_messages',
  {
    id: id(),
    direction: text('direction').$type<'inbound' | 'outbound'>().notNull(),
    partnerId: text('partner_id').notNull(),
    /** RFC 4130 Message-ID, without the angle brackets. */
    messageId: text('message_id').notNull(),
    as2From: text('as2_from'),
    as2To: text('as2_to'),
    subject: text('subject'),
    /** When it was received (inbound) or sent (outbound). */
    at: at('at').notNull().defaultNow(),
    status: text('status').notNull().default('received'),
    error: text('error'),
    /** RFC 4130 §7.3.1 Received-Content-MIC, base64, and its algorithm (`sha256`, …). */
    mic: text('mic'),
    micAlgorithm: text('mic_algorithm'),
    /** `none`, `sync` or `async` (Receipt-Delivery-Option). */
    mdnMode: text('mdn_mode').$type<'none' | 'sync' | 'async'>().notNull().default('none'),
    mdnSigned: boolean('mdn_signed').notNull().default(false),
    mdnUrl: text('mdn_url'),
    mdnSentAt: at('mdn_sent_at'),
    mdnReceivedAt: at('mdn_received_at'),
    /** RFC 4130 §7.4.3 Disposition, e.g. `automatic-action/MDN-sent-automatically; processed`. */
    mdnDisposition: text('mdn_disposition'),
    /** For outbound messages: whether the MIC in the partner's MDN matched ours. */
    mdnMicMatched: boolean('mdn_mic_matched'),
    archiveId: bigint('archive_id', { mode: 'number' }).references(() => archiveEntries.id),
    mdnArchiveId: bigint('mdn_archive_id', { mode: 'number' }).references(() => archiveEntries.id),
    /** Set on a receipt whose Message-ID was already seen: the first receipt. */
    duplicateOf: bigint('duplicate_of', { mode: 'number' }).references((): AnyPgColumn => as2Messages.id),
  },
  (t) => [
    // Message-ID unique per partner and direction; duplicates are recorded as their own rows outside the index.
    uniqueIndex('as2_messages_message_id_uq')
      .on(t.partnerId, t.direction, t.messageId)
      .where(sql`${t.duplicateOf} is null`),
    index('as2_messages_at_idx').on(t.at, t.id),
  ],
);

/** Interchanges (X12 ISA…IEA, EDIFACT UNB…UNZ), inbound and outbound. */
export const interchanges = pgTable(
  'interchanges',
  {
    id: id(),
    direction: text('direction').$type<'inbound' | 'outbound'>().notNull(),
    partnerId: text('partner_id'),
    standard: text('standard').$type<'x12' | 'edifact'>().notNull(),
    senderQualifier: text('sender_qualifier').notNull(),
    senderId: text('sender_id').notNull(),
    receiverQualifier: text('receiver_qualifier').notNull(),
    receiverId: text('receiver_id').notNull(),
    /** ISA13 / UNB 0020. */
    controlNumber: text('control_number').notNull(),
    version: text('version').notNull(),
    test: boolean('test').notNull().default(false),
    ackRequested: boolean('ack_requested').notNull().default(false),
    /** ISA09/ISA10, UNB S004: as written in the envelope. */
    envelopeDate: text('envelope_date'),
    envelopeTime: text('envelope_time'),
    groupCount: integer('group_count').notNull().default(0),
    setCount: integer('set_count').notNull().default(0),
    status: text('status').notNull(),
    /** Stable codes of the issues that decided the status (no payload). */
    issues: jsonb('issues').$type<string[]>().notNull().default([]),
    /** When it was received (inbound) or sent (outbound). */
    at: at('at').notNull().defaultNow(),
    /** End of the dedupe window: a later receipt with the same key is a duplicate until then. */
    dedupeUntil: at('dedupe_until').notNull(),
    /** True while the row takes part in the dedupe index; the retention job clears it. */
    dedupeActive: boolean('dedupe_active').notNull().default(true),
    duplicateOf: bigint('duplicate_of', { mode: 'number' }).references((): AnyPgColumn => interchanges.id),
    as2MessageId: bigint('as2_message_id', { mode: 'number' }).references(() => as2Messages.id),
    archiveId: bigint('archive_id', { mode: 'number' }).references(() => archiveEntries.id),
  },
  (t) => [
    // B-104 dedupe key: sender + receiver + control number, only while inside the window.
    uniqueIndex('interchanges_dedupe_uq')
      .on(t.direction, t.senderQualifier, t.senderId, t.receiverQualifier, t.receiverId, t.controlNumber)
      .where(sql`${t.dedupeActive}`),
    index('interchanges_at_idx').on(t.at, t.id),
    index('interchanges_control_number_idx').on(t.controlNumber),
    index('interchanges_partner_at_idx').on(t.partnerId, t.at),
    index('interchanges_dedupe_until_idx')
      .on(t.dedupeUntil)
      .where(sql`${t.dedupeActive}`),
    index('interchanges_duplicate_of_idx').on(t.duplicateOf),
  ],
);

/** Functional groups (X12 GS…GE; EDIFACT UNG…UNE or the implicit group). */
export const functionalGroups = pgTable(
  'functional_groups',
  {
    id: id(),
    interchangeId: bigint('interchange_id', { mode: 'number' })
      .notNull()
      .references(() => interchanges.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** GS01 / UNG 0038; '' for an implicit EDIFACT group. */
    functionalId: text('functional_id').notNull(),
    /** GS06 / UNG 0048; '' for an implicit EDIFACT group. */
    controlNumber: text('control_number').notNull(),
    version: text('version').notNull(),
    senderId: text('sender_id'),
    receiverId: text('receiver_id'),
    setCount: integer('set_count').notNull().default(0),
    status: text('status').notNull(),
    duplicateOf: bigint('duplicate_of', { mode: 'number' }).references((): AnyPgColumn => functionalGroups.id),
  },
  (t) => [
    // Group control numbers unique within an interchange (997 AK905 / 999 AK905 need one answer per number).
    uniqueIndex('functional_groups_control_number_uq')
      .on(t.interchangeId, t.controlNumber)
      .where(sql`${t.duplicateOf} is null`),
  ],
);

/** Transaction sets (X12 ST…SE) and EDIFACT messages (UNH…UNT). */
export const transactionSets = pgTable(
  'transaction_sets',
  {
    id: id(),
    groupId: bigint('group_id', { mode: 'number' })
      .notNull()
      .references(() => functionalGroups.id, { onDelete: 'cascade' }),
    interchangeId: bigint('interchange_id', { mode: 'number' })
      .notNull()
      .references(() => interchanges.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** ST01 (`850`) / UNH S009 0065 (`ORDERS`). */
    setId: text('set_id').notNull(),
    /** ST02 / UNH 0062. */
    controlNumber: text('control_number').notNull(),
    version: text('version').notNull(),
    status: text('status').notNull(),
    segmentCount: integer('segment_count'),
    duplicateOf: bigint('duplicate_of', { mode: 'number' }).references((): AnyPgColumn => transactionSets.id),
  },
  (t) => [
    // Set control numbers unique within a group (997 AK2 / 999 AK2 answer per number).
    uniqueIndex('transaction_sets_control_number_uq')
      .on(t.groupId, t.controlNumber)
      .where(sql`${t.duplicateOf} is null`),
    index('transaction_sets_interchange_idx').on(t.interchangeId),
  ],
);

/** Acknowledgments sent (for inbound interchanges) and received (for outbound ones). */
export const acknowledgments = pgTable(
  'acknowledgments',
  {
    id: id(),
    direction: text('direction').$type<'sent' | 'received'>().notNull(),
    /** `997`, `999`, `TA1`, `CONTRL`, `855`, `ORDRSP`. */
    kind: text('kind').notNull(),
    interchangeId: bigint('interchange_id', { mode: 'number' })
      .notNull()
      .references(() => interchanges.id, { onDelete: 'cascade' }),
    groupId: bigint('group_id', { mode: 'number' }).references(() => functionalGroups.id, { onDelete: 'cascade' }),
    setId: bigint('set_id', { mode: 'number' }).references(() => transactionSets.id, { onDelete: 'cascade' }),
    /** The acknowledgment's own code: AK901 / IK501 / TA104 / UCI 0083 (`A`, `E`, `R`, `P`, `7`, `4`, …). */
    code: text('code'),
    /** The interchange that carried the acknowledgment, when recorded. */
    carrierInterchangeId: bigint('carrier_interchange_id', { mode: 'number' }).references(
      (): AnyPgColumn => interchanges.id,
    ),
    controlNumber: text('control_number'),
    archiveId: bigint('archive_id', { mode: 'number' }).references(() => archiveEntries.id),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('acknowledgments_interchange_idx').on(t.interchangeId, t.direction)],
);

/** Translated documents: the internal JSON of one transaction set, with the map that made it. */
export const documents = pgTable(
  'documents',
  {
    id: id(),
    direction: text('direction').$type<'inbound' | 'outbound'>().notNull(),
    partnerId: text('partner_id'),
    transactionSetId: bigint('transaction_set_id', { mode: 'number' }).references(() => transactionSets.id, {
      onDelete: 'cascade',
    }),
    interchangeId: bigint('interchange_id', { mode: 'number' }).references(() => interchanges.id, {
      onDelete: 'cascade',
    }),
    /** Internal document type (`purchaseOrder`, `invoice`, …). */
    documentType: text('document_type').notNull(),
    mapId: text('map_id').notNull(),
    mapVersion: text('map_version').notNull(),
    body: jsonb('body').notNull(),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('documents_interchange_idx').on(t.interchangeId)],
);

/** Outbound control-number sequences, one row per partner and level. */
export const controlSequences = pgTable(
  'control_sequences',
  {
    partnerId: text('partner_id').notNull(),
    /** `ISA13`, `GS06`, `ST02`, `UNB0020`, `UNG0048`, `UNH0062`. */
    level: text('level').notNull(),
    value: bigint('value', { mode: 'number' }).notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.level] })],
);

/** Numbers handed out by a sequence, kept for the window so a wrapped sequence never reuses one too early. */
export const issuedControlNumbers = pgTable(
  'issued_control_numbers',
  {
    partnerId: text('partner_id').notNull(),
    level: text('level').notNull(),
    value: bigint('value', { mode: 'number' }).notNull(),
    issuedAt: at('issued_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.partnerId, t.level, t.value] }),
    index('issued_control_numbers_issued_at_idx').on(t.issuedAt),
  ],
);
