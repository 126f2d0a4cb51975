import { Worker } from 'node:worker_threads';

/** An answer from the worker: `ok` with fields of its own, or an error; `partial` answers come before the last one. */
export interface WorkerAnswer {
  id: number;
  ok?: boolean;
  partial?: boolean;
  error?: { message: string; code?: string };
  [field: string]: unknown;
}

/**
 * A worker thread that answers requests by id (the protocol of this
 * package's `*Worker.js` files). It keeps the process alive only while an
 * answer is due, so an idle pool never holds a one-shot command open, and
 * a worker that dies fails every call waiting on it.
 */
export class WorkerCalls {
  private worker: Worker | undefined;
  private readonly waiting = new Map<
    number,
    { resolve(a: WorkerAnswer): void; reject(e: Error): void; partial?: (a: WorkerAnswer) => void }
  >();
  private nextId = 1;

  constructor(
    private readonly url: URL,
    private readonly what: string,
  ) {}

  /** Calls waiting for their answer. */
  get pending(): number {
    return this.waiting.size;
  }

  /** A fresh id, for messages that precede the call they belong to. */
  newId(): number {
    return this.nextId++;
  }

  /** Sends a message that gets no answer of its own. */
  post(message: object): void {
    this.start().postMessage(message);
  }

  /** Sends `message` (its `id` or a fresh one) and resolves with the last answer; `partial` gets the ones before it. */
  call(message: { id?: number; [field: string]: unknown }, partial?: (a: WorkerAnswer) => void): Promise<WorkerAnswer> {
    const w = this.start();
    const id = message.id ?? this.newId();
    return new Promise<WorkerAnswer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, ...(partial ? { partial } : {}) });
      if (this.waiting.size === 1) w.ref();
      w.postMessage({ ...message, id });
    });
  }

  /** Stops the thread; the next call starts a new one. */
  async terminate(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.url);
    w.unref();
    w.on('message', (a: WorkerAnswer) => {
      const p = this.waiting.get(a.id);
      if (!p) return;
      if (a.partial) {
        p.partial?.(a);
        return;
      }
      this.waiting.delete(a.id);
      if (this.waiting.size === 0) w.unref();
      if (a.ok === false)
        p.reject(Object.assign(new Error(a.error?.message ?? `${this.what} failed`), { code: a.error?.code }));
      else p.resolve(a);
    });
    const failAll = (err: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.waiting.values()) p.reject(err);
      this.waiting.clear();
    };
    w.on('error', failAll);
    w.on('exit', () => failAll(new Error(`the ${this.what} thread stopped`)));
    this.worker = w;
    return w;
  }
}
