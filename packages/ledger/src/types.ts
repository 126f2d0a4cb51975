/**
 * What the ledger records and returns. The ledger imports no other edigate
 * package: callers (the gateway, the CLI's `ingest`) convert the parser's
 * interchange into an {@link InterchangeInput}.
 */

/** Which way a message or interchange travelled. */
export type Direction = 'inbound' | 'outbound';

/**
 * Status of an interchange, group or set. Inbound: our verdict
 * (`accepted`, `accepted-with-errors`, `rejected`) or `duplicate`.
 * Outbound: `sent` until the partner's acknowledgment says otherwise.
 */
export type RecordStatus = 'accepted' | 'accepted-with-errors' | 'rejected' | 'duplicate' | 'sent';

/** Every status, for validating filters. */
export const RECORD_STATUSES: readonly RecordStatus[] = [
  'accepted',
  'accepted-with-errors',
  'rejected',
  'duplicate',
  'sent',
];

/** A party of an envelope: qualifier and id (ISA05/06, ISA07/08; UNB S002/S003). */
export interface Party {
  qualifier: string;
  id: string;
}

/** A transaction set (ST…SE / UNH…UNT) to record. */
export interface SetInput {
  /** ST01 / UNH S009 0065. */
  setId: string;
  /** ST02 / UNH 0062. */
  controlNumber: string;
  version: string;
  status: Exclude<RecordStatus, 'duplicate'>;
  segmentCount?: number;
}

/** A functional group (GS…GE / UNG…UNE or implicit) to record. */
export interface GroupInput {
  /** GS01 / UNG 0038 ('' for an implicit EDIFACT group). */
  functionalId: string;
  /** GS06 / UNG 0048 ('' for an implicit EDIFACT group). */
  controlNumber: string;
  version: string;
  senderId?: string;
  receiverId?: string;
  status: Exclude<RecordStatus, 'duplicate'>;
  sets: SetInput[];
}

/** An interchange to record, with its groups and sets. */
export interface InterchangeInput {
  /** Default `inbound`. */
  direction?: Direction;
  partnerId?: string;
  standard: 'x12' | 'edifact';
  sender: Party;
  receiver: Party;
  /** ISA13 / UNB 0020. */
  controlNumber: string;
  version: string;
  test?: boolean;
  ackRequested?: boolean;
  /** Envelope date and time as written (ISA09/ISA10, UNB S004). */
  date?: string;
  time?: string;
  status: Exclude<RecordStatus, 'duplicate'>;
  /** Stable issue codes that decided the status. */
  issues?: string[];
  /** When it was received or sent (default: the database's now). */
  at?: Date;
  as2MessageId?: number;
  archiveId?: number;
  /** Dedupe window for this receipt, overriding the partner's and the default. */
  retentionDays?: number;
  groups: GroupInput[];
}

/** What recording a set gave. */
export interface RecordedSet {
  id: number;
  controlNumber: string;
  status: RecordStatus;
  /** Set when the number repeats one earlier in the same group. */
  duplicateOf?: number;
}

/** What recording a group gave. */
export interface RecordedGroup {
  id: number;
  controlNumber: string;
  status: RecordStatus;
  /** Set when the number repeats one earlier in the same interchange. */
  duplicateOf?: number;
  sets: RecordedSet[];
}

/** What {@link Ledger.recordInterchange} gave: a new interchange, or a duplicate pointing at the original. */
export interface RecordedInterchange {
  id: number;
  status: RecordStatus;
  /** For a duplicate: the original interchange's id. Nothing of a duplicate is recorded below the interchange. */
  duplicateOf?: number;
  groups: RecordedGroup[];
}

/** An AS2 message to record. */
export interface As2MessageInput {
  direction: Direction;
  partnerId: string;
  /** RFC 4130 Message-ID (angle brackets are stripped). */
  messageId: string;
  as2From?: string;
  as2To?: string;
  subject?: string;
  at?: Date;
  status?: string;
  mic?: string;
  micAlgorithm?: string;
  mdnMode?: 'none' | 'sync' | 'async';
  mdnSigned?: boolean;
  mdnUrl?: string;
  archiveId?: number;
}

/** Changes to an AS2 message: MDN sent or received, status, error. */
export interface As2MessageUpdate {
  status?: string;
  error?: string | null;
  mic?: string;
  micAlgorithm?: string;
  mdnSentAt?: Date;
  mdnReceivedAt?: Date;
  mdnDisposition?: string;
  mdnMicMatched?: boolean;
  mdnArchiveId?: number;
}

/** How a received AS2 message ends (see `Ledger.completeAs2Message`): fields left out keep their value. */
export interface As2Completion {
  status?: string;
  error?: string;
  mic?: string;
  micAlgorithm?: string;
  mdnDisposition?: string;
  mdnSentAt?: Date;
}

/** An AS2 message row. */
export interface As2MessageRecord {
  id: number;
  direction: Direction;
  partnerId: string;
  messageId: string;
  as2From: string | null;
  as2To: string | null;
  subject: string | null;
  at: Date;
  status: string;
  error: string | null;
  mic: string | null;
  micAlgorithm: string | null;
  mdnMode: 'none' | 'sync' | 'async';
  mdnSigned: boolean;
  mdnUrl: string | null;
  mdnSentAt: Date | null;
  mdnReceivedAt: Date | null;
  mdnDisposition: string | null;
  mdnMicMatched: boolean | null;
  archiveId: number | null;
  mdnArchiveId: number | null;
  duplicateOf: number | null;
}

/** What {@link Ledger.recordAs2Message} gave. */
export type RecordedAs2Message =
  { id: number; duplicate: false } | { id: number; duplicate: true; original: As2MessageRecord };

/** An archive entry to record: where the raw bytes are. */
export interface ArchiveInput {
  sha256: string;
  size: number;
  location: string;
  mediaType?: string;
  kind?: string;
}

/** A translated document to record. */
export interface DocumentInput {
  direction: Direction;
  partnerId?: string;
  transactionSetId?: number;
  interchangeId?: number;
  documentType: string;
  mapId: string;
  mapVersion: string;
  body: unknown;
  at?: Date;
}

/** An acknowledgment sent for an inbound interchange, or received for an outbound one. */
export interface AcknowledgmentInput {
  direction: 'sent' | 'received';
  kind: '997' | '999' | 'TA1' | 'CONTRL' | '855' | 'ORDRSP' | (string & {});
  interchangeId: number;
  groupId?: number;
  setId?: number;
  /** AK901 / IK501 / TA104 / UCI 0083 … */
  code?: string;
  carrierInterchangeId?: number;
  controlNumber?: string;
  archiveId?: number;
  at?: Date;
}
