/**
 * What the AS2 paths need from the ledger, as a small interface: the gateway
 * records through it, and `ledgerRecorder.ts` backs it with @edigate/ledger.
 * The in-memory one serves `--no-ledger` style tools and unit tests of code
 * that is not about persistence.
 */

import type { As2Completion, As2MessageInput, As2MessageUpdate } from '@edigate/ledger';

/** An AS2 message to record: the ledger's own input type. */
export type As2MessageRecordInput = As2MessageInput;

/** Changes to an AS2 message row: the ledger's own update type. */
export type As2MessageRecordUpdate = As2MessageUpdate;

/** How a received message ends (fields left out keep their value): the ledger's own type. */
export type As2MessageCompletion = As2Completion;

/** An archive entry to record: where raw bytes are, their hash and size. */
export interface ArchiveRecordInput {
  sha256: string;
  size: number;
  location: string;
  kind?: string;
  mediaType?: string;
}

/** A stored AS2 message, as far as the gateway reads it back. */
export interface As2MessageRecordView {
  id: number;
  direction: 'inbound' | 'outbound';
  partnerId: string;
  messageId: string;
  status: string;
  error: string | null;
  mic: string | null;
  micAlgorithm: string | null;
  mdnDisposition: string | null;
  mdnMicMatched: boolean | null;
  /** Whether a signed MDN was asked for. */
  mdnSigned: boolean;
  duplicateOf: number | null;
}

/** What recording a message gave: new, or a duplicate with its original. */
export type RecordedMessage =
  { id: number; duplicate: false } | { id: number; duplicate: true; original: { id: number; status: string } };

/** The recording side of the ledger as the AS2 paths use it. */
export interface Recorder {
  /** Records where raw bytes were archived; returns the entry id. */
  recordArchive(entry: ArchiveRecordInput): Promise<{ id: number }>;
  /** Records a message; a Message-ID already seen for the partner and direction comes back as a duplicate. */
  recordAs2Message(input: As2MessageRecordInput): Promise<RecordedMessage>;
  /** Records a received request at once: the archive entry of its raw bytes and its message row (pointing at it). */
  recordAs2Request(
    archive: ArchiveRecordInput,
    input: Omit<As2MessageRecordInput, 'archiveId'>,
  ): Promise<RecordedMessage & { archiveId: number }>;
  updateAs2Message(id: number, update: As2MessageRecordUpdate): Promise<void>;
  /** Sets a message's final state and records its payload and MDN archive entries (the MDN's as its `mdnArchiveId`). */
  completeAs2Message(
    id: number,
    update: As2MessageCompletion,
    archives?: { payload?: ArchiveRecordInput; mdn?: ArchiveRecordInput },
  ): Promise<{ payloadArchiveId?: number; mdnArchiveId?: number }>;
  /** The first (not duplicate) message with this Message-ID for the partner and direction. */
  findAs2Message(q: {
    direction: 'inbound' | 'outbound';
    partnerId: string;
    messageId: string;
  }): Promise<As2MessageRecordView | undefined>;
  getAs2Message(id: number): Promise<As2MessageRecordView | undefined>;
  close(): Promise<void>;
}

/** A durable job queue (pg-boss in the ledger). */
export interface JobQueue {
  /** Queues a job; `retryLimit` retries with exponential backoff. */
  send(
    queue: string,
    data: object,
    opts?: { retryLimit?: number; retryDelaySeconds?: number; retryBackoff?: boolean },
  ): Promise<string | null>;
  /** Handles jobs of a queue; a thrown error fails the attempt (retried by the queue). */
  work(queue: string, handler: (data: unknown) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** Strips the RFC 5322 angle brackets the ledger does not keep. */
export function bareMessageId(id: string): string {
  const t = id.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1) : t;
}

/** A recorder that keeps everything in memory (tools and tests; not durable). */
export class MemoryRecorder implements Recorder {
  private seq = 0;
  readonly archives = new Map<number, ArchiveRecordInput>();
  readonly messages = new Map<
    number,
    As2MessageRecordView & { input: As2MessageRecordInput; update: As2MessageRecordUpdate }
  >();

  recordArchive(entry: ArchiveRecordInput): Promise<{ id: number }> {
    const id = ++this.seq;
    this.archives.set(id, entry);
    return Promise.resolve({ id });
  }

  async recordAs2Request(
    archive: ArchiveRecordInput,
    input: Omit<As2MessageRecordInput, 'archiveId'>,
  ): Promise<RecordedMessage & { archiveId: number }> {
    const { id: archiveId } = await this.recordArchive(archive);
    return { ...(await this.recordAs2Message({ ...input, archiveId })), archiveId };
  }

  async completeAs2Message(
    id: number,
    update: As2MessageCompletion,
    archives: { payload?: ArchiveRecordInput; mdn?: ArchiveRecordInput } = {},
  ): Promise<{ payloadArchiveId?: number; mdnArchiveId?: number }> {
    const payloadArchiveId = archives.payload ? (await this.recordArchive(archives.payload)).id : undefined;
    const mdnArchiveId = archives.mdn ? (await this.recordArchive(archives.mdn)).id : undefined;
    await this.updateAs2Message(id, { ...update, ...(mdnArchiveId !== undefined ? { mdnArchiveId } : {}) });
    return {
      ...(payloadArchiveId !== undefined ? { payloadArchiveId } : {}),
      ...(mdnArchiveId !== undefined ? { mdnArchiveId } : {}),
    };
  }

  recordAs2Message(input: As2MessageRecordInput): Promise<RecordedMessage> {
    const messageId = bareMessageId(input.messageId);
    const original = [...this.messages.values()].find(
      (m) =>
        m.direction === input.direction &&
        m.partnerId === input.partnerId &&
        m.messageId === messageId &&
        m.duplicateOf === null,
    );
    const id = ++this.seq;
    this.messages.set(id, {
      input,
      update: {},
      direction: input.direction,
      partnerId: input.partnerId,
      id,
      messageId,
      status: input.status ?? 'received',
      error: null,
      mic: input.mic ?? null,
      micAlgorithm: input.micAlgorithm ?? null,
      mdnDisposition: null,
      mdnMicMatched: null,
      mdnSigned: input.mdnSigned ?? false,
      duplicateOf: original?.id ?? null,
    });
    return Promise.resolve(
      original
        ? { id, duplicate: true, original: { id: original.id, status: original.status } }
        : { id, duplicate: false },
    );
  }

  updateAs2Message(id: number, update: As2MessageRecordUpdate): Promise<void> {
    const m = this.messages.get(id);
    if (!m) return Promise.resolve();
    Object.assign(m.update, update);
    if (update.status !== undefined) m.status = update.status;
    if (update.error !== undefined) m.error = update.error;
    if (update.mic !== undefined) m.mic = update.mic;
    if (update.micAlgorithm !== undefined) m.micAlgorithm = update.micAlgorithm;
    if (update.mdnDisposition !== undefined) m.mdnDisposition = update.mdnDisposition;
    if (update.mdnMicMatched !== undefined) m.mdnMicMatched = update.mdnMicMatched;
    return Promise.resolve();
  }

  getAs2Message(id: number): Promise<As2MessageRecordView | undefined> {
    return Promise.resolve(this.messages.get(id));
  }

  findAs2Message(q: {
    direction: 'inbound' | 'outbound';
    partnerId: string;
    messageId: string;
  }): Promise<As2MessageRecordView | undefined> {
    const messageId = bareMessageId(q.messageId);
    return Promise.resolve(
      [...this.messages.values()].find(
        (m) =>
          m.direction === q.direction &&
          m.partnerId === q.partnerId &&
          m.messageId === messageId &&
          m.duplicateOf === null,
      ),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * An in-process job queue with retries and exponential backoff (full jitter).
 * Not durable: jobs queued when the process dies are lost. The gateway uses
 * the ledger's pg-boss queue; this one is for tools and tests.
 */
export class MemoryJobQueue implements JobQueue {
  private readonly handlers = new Map<string, (data: unknown) => Promise<void>>();
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;
  private seq = 0;

  send(
    queue: string,
    data: object,
    opts: { retryLimit?: number; retryDelaySeconds?: number; retryBackoff?: boolean } = {},
  ): Promise<string | null> {
    const id = `${queue}-${++this.seq}`;
    this.schedule(
      queue,
      data,
      {
        attempt: 0,
        limit: opts.retryLimit ?? 0,
        delayMs: (opts.retryDelaySeconds ?? 1) * 1000,
        backoff: opts.retryBackoff ?? true,
      },
      0,
    );
    return Promise.resolve(id);
  }

  work(queue: string, handler: (data: unknown) => Promise<void>): Promise<void> {
    this.handlers.set(queue, handler);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    return Promise.resolve();
  }

  private schedule(
    queue: string,
    data: object,
    s: { attempt: number; limit: number; delayMs: number; backoff: boolean },
    wait: number,
  ): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.pending.delete(t);
      const handler = this.handlers.get(queue);
      const run = handler ? handler(data) : Promise.reject(new Error(`no worker for ${queue}`));
      run.catch(() => {
        if (s.attempt >= s.limit) return;
        const cap = s.backoff ? s.delayMs * 2 ** s.attempt : s.delayMs;
        this.schedule(queue, data, { ...s, attempt: s.attempt + 1 }, Math.random() * cap);
      });
    }, wait);
    this.pending.add(t);
  }
}
