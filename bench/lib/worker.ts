/**
 * Child-process entry for one benchmark case (see child.ts). Loads the case
 * module, prepares the case (untimed), runs it `warmup` + `runs` times and
 * reports each timed run and finally the process's peak RSS over IPC.
 *
 * argv: <case module path> <export name> <params JSON> <runs> <warmup>
 */
import { pathToFileURL } from 'node:url';
import type { BenchCase, CaseFactory, WorkerMessage } from './child.js';

const [modulePath, exportName, paramsJson, runsRaw, warmupRaw] = process.argv.slice(2);

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send!(message, (err: Error | null) => (err ? reject(err) : resolve()));
  });
}

async function main(): Promise<void> {
  const mod = (await import(pathToFileURL(modulePath!).href)) as Record<string, unknown>;
  const factory = mod[exportName!] as CaseFactory | undefined;
  if (typeof factory !== 'function') throw new Error(`${modulePath} has no case export ${exportName}`);
  const gc = (globalThis as { gc?: () => void }).gc;
  const setupStart = performance.now();
  const benchCase: BenchCase = await factory(JSON.parse(paramsJson ?? 'null'));
  const setupMs = performance.now() - setupStart;
  await send({ type: 'setup', setupMs, bytes: benchCase.bytes, rssKiB: Math.round(process.memoryUsage.rss() / 1024) });
  const total = Number(warmupRaw) + Number(runsRaw);
  for (let i = 0; i < total; i++) {
    gc?.();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const check = await benchCase.run();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (i >= Number(warmupRaw))
      await send({ type: 'run', ms, cpuMs: (cpu.user + cpu.system) / 1000, check: String(check) });
  }
  await send({ type: 'done', maxRssKiB: process.resourceUsage().maxRSS });
}

main().then(
  () => process.disconnect?.(),
  async (err: unknown) => {
    await send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }).catch(
      () => undefined,
    );
    process.exitCode = 1;
    process.disconnect?.();
  },
);
