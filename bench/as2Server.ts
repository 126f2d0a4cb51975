/**
 * The gateway under benchmark, in its own process (so the load generator in
 * bench/as2.ts does not share its event loop). argv: <home>. Replies with
 * `{ port }` over IPC once serving; exits on `stop`.
 */
import { startGateway } from '@edigate/gateway';

const home = process.argv[2]!;
const gw = await startGateway({ home, port: 0, host: '127.0.0.1', inMemoryLedger: true });
process.send?.({ port: gw.port });
process.on('message', (m: unknown) => {
  if (m === 'stop') void gw.close().then(() => process.exit(0));
});
