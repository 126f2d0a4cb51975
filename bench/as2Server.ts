/**
 * The gateway under benchmark, in its own process (so the load generator in
 * bench/as2.ts does not share its event loop). argv: <home> [ledger|memory]. Replies with
 * `{ port }` over IPC once serving; exits on `stop`.
 */
import { MemoryJobQueue, MemoryRecorder, startGateway } from '@edigate/gateway';

const home = process.argv[2]!;
// `ledger`: the PGlite ledger (in memory); `pg`: the ledger at DATABASE_URL; `memory`: no database, to show what the rest of the path costs.
const mode = process.argv[3] ?? 'ledger';
const gw = await startGateway({
  home,
  port: 0,
  host: '127.0.0.1',
  ...(mode === 'memory'
    ? { recorder: new MemoryRecorder(), jobs: new MemoryJobQueue() }
    : mode === 'pg'
      ? {}
      : { inMemoryLedger: true }),
});
process.send?.({ port: gw.port });
process.on('message', (m: unknown) => {
  if (m === 'stop') void gw.close().then(() => process.exit(0));
});
