/**
 * @edigate/ledger — the control-number ledger: interchanges, groups and sets
 * with dedupe, AS2 messages and MDNs, acknowledgments, translated documents,
 * archive entries, outbound control-number sequences and durable jobs, on
 * PostgreSQL (pg) or embedded PGlite. See docs/ledger.md.
 */
export { openLedger, Ledger, DEFAULT_RETENTION_DAYS, RETENTION_FLOW } from './ledger.js';
export {
  Jobs,
  backoffDelayMs,
  jobsSchemaFor,
  DEFAULT_RETRY_POLICIES,
  FALLBACK_RETRY_POLICY,
  type DeadLetter,
  type EnqueueOptions,
  type JobContext,
  type JobEnvelope,
  type JobHandler,
  type JobsOptions,
  type RetryPolicy,
} from './jobs.js';
export type { OpenLedgerOptions, RetentionOptions, RetentionResult, LedgerLogger } from './ledger.js';
export { openDatabase, type Database, type OpenDatabaseOptions } from './db.js';
export { migrate, loadMigrations, type MigrateResult, type Migration } from './migrate.js';
export {
  CONTROL_LEVELS,
  LEVEL_FORMATS,
  ControlNumbersExhaustedError,
  formatControlNumber,
  type ControlLevel,
  type LevelFormat,
} from './sequences.js';
export {
  encodeCursor,
  decodeCursor,
  InvalidCursorError,
  type AckSummary,
  type AcknowledgmentRecord,
  type ArchiveRecord,
  type DocumentRecord,
  type DuplicateFilter,
  type DuplicateSummary,
  type GroupRecord,
  type InterchangeChain,
  type InterchangeFilter,
  type InterchangeRecord,
  type InterchangeSummary,
  type OverdueAck,
  type OverdueAckQuery,
  type Page,
  type SetRecord,
} from './query.js';
export * from './types.js';
