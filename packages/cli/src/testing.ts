import type { Io } from './context.js';

/** Captured output of an in-process CLI run (tests only). */
export interface CapturedIo {
  out: string[];
  err: string[];
  io: Io;
}

/** An `Io` that records stdout/stderr and serves `stdin` from the given chunks; for tests of `run()`. */
export function captureIo(stdin: Uint8Array[] = []): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void err.push(t),
      stdin: async function* () {
        for (const chunk of stdin) yield await Promise.resolve(chunk);
      },
    },
  };
}
