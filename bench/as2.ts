/**
 * AS2 benchmark (issue #4 item 6): messages per second and latency of the
 * whole receive path over HTTP — archive (fsync) → decrypt → verify → MIC →
 * ledger → signed sync MDN — for signed + encrypted (sha-256, AES-256-CBC,
 * RSA-2048) messages of 10 kB, 1 MB and 10 MB, beside the in-process floor
 * (the same cryptography with Node crypto primitives only) and, for
 * reference, `openssl cms -decrypt` + `-verify` on the same messages.
 *
 * The gateway runs in a child process (PGlite ledger in memory, archive on
 * the temp disk with fsync); this process builds the messages up front and
 * posts them with a keep-alive agent at a fixed concurrency.
 */
import { fork, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMessage, parseMdn, receiveMessage } from '@edigate/as2';
import { createSelfSigned } from '@edigate/gateway';
import { parseBenchArgs } from './lib/args.js';
import { table, verdict } from './lib/markdown.js';
import { fmt, fmtSize, median } from './lib/stats.js';

interface Size {
  bytes: number;
  messages: number;
  concurrency: number;
}

function post(
  agent: http.Agent,
  port: number,
  m: { headers: Record<string, string>; body: Buffer },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/as2',
        method: 'POST',
        agent,
        headers: { ...m.headers, 'content-length': String(m.body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('socket', (socket) => socket.setNoDelay(true));
    req.on('error', reject);
    req.end(m.body);
  });
}

/**
 * Untimed runs before any timed one, for the floor (bench/as2Floor.ts), the
 * in-process receive and the reference servers alike. The gateway gets more
 * (a warm-up burst and the timed bursts before its single messages); fewer
 * than about 30 leave the JIT and glibc's allocator cold, and the first touch
 * of fresh memory is slow here (about 3 ms per MB on this VM).
 */
const WARM_UPS = 40;

type Pair = ReturnType<typeof createSelfSigned>;

function builder(payload: Buffer, us: Pair, them: Pair) {
  return () =>
    buildMessage(payload, {
      as2From: 'BENCH-THEM',
      as2To: 'BENCH-US',
      contentType: 'application/edi-x12',
      sign: { privateKey: them.privateKey, certificate: them.certificate, digestAlgorithm: 'sha-256' },
      encrypt: { certificates: [us.certificate], algorithm: 'aes-256-cbc' },
      mdn: { signed: true, micAlgorithm: 'sha-256' },
    });
}

/** Posts `size.messages` messages `runs` times at the size's concurrency; then one alone, after the server is idle. */
async function measure(o: {
  size: Size;
  port: number;
  agent: http.Agent;
  runs: number;
  us: Pair;
  them: Pair;
  home: string;
}) {
  const { size, port, agent, runs } = o;
  const build = builder(crypto.randomBytes(size.bytes), o.us, o.them);
  // Correctness once: a processed, signed MDN with our MIC.
  const probe = build();
  const first = await post(agent, port, probe);
  const mdn = parseMdn(
    { headers: first.headers, body: first.body },
    { partnerCertificates: [o.us.certificate], expectedMic: probe.mic },
  );
  if (
    first.status !== 200 ||
    mdn.disposition?.type !== 'processed' ||
    mdn.micMatches !== true ||
    mdn.signatureValid !== true
  ) {
    throw new Error(
      `bench probe at ${fmtSize(size.bytes)} not processed: HTTP ${first.status} ${mdn.dispositionText ?? ''} ${mdn.error?.message ?? ''}`,
    );
  }
  const rates: number[] = [];
  const latencies: number[] = [];
  const sequential: number[] = [];
  // One untimed burst first: the gateway's JIT (and PGlite's WebAssembly tiers) warm up, as in a running server.
  for (let r = -1; r < runs; r++) {
    const messages = Array.from({ length: size.messages }, build);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: size.concurrency }, async () => {
        while (next < messages.length) {
          const m = messages[next++]!;
          const t = performance.now();
          const res = await post(agent, port, m);
          if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
          if (r >= 0) latencies.push(performance.now() - t);
        }
      }),
    );
    if (r >= 0) rates.push(size.messages / ((performance.now() - started) / 1000));
  }
  // Let the bookkeeping of the burst drain, then time single messages.
  await new Promise((r) => setTimeout(r, 1_000));
  // More single messages than runs: one at a time is a latency, and its median wants samples.
  for (let r = 0; r < Math.max(runs * 2, 10); r++) {
    const single = build();
    const t = performance.now();
    await post(agent, port, single);
    sequential.push(performance.now() - t);
    await new Promise((res) => setTimeout(res, 100));
  }
  const sorted = [...latencies].sort((x, y) => x - y);
  return {
    rate: median(rates),
    latencyMedian: median(latencies),
    latencyP95: sorted[Math.floor(sorted.length * 0.95)] ?? Number.NaN,
    seqMs: median(sequential),
    probeBody: probe.body,
  };
}

/**
 * A reference server in another process (`script`, replying `{ port }` over
 * IPC), posted the same message bodies one at a time, as the gateway is:
 * median ms.
 *
 * - bench/as2Echo.ts, the transport alone: reads each body and answers 3 kB.
 * - bench/as2Minimal.ts, the least a receiver can do: HTTP, the floor's
 *   cryptography and an fdatasynced copy of the body, nothing else.
 */
async function reference(o: {
  script: string;
  args?: string[];
  size: Size;
  runs: number;
  us: Pair;
  them: Pair;
}): Promise<number> {
  const child = fork(fileURLToPath(new URL(o.script, import.meta.url)), o.args ?? [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (c) => reject(new Error(`${o.script} exited ${c}`)));
  });
  const agent = new http.Agent({ keepAlive: true });
  try {
    const m = builder(crypto.randomBytes(o.size.bytes), o.us, o.them)();
    // Warmed as long as the gateway is before its single messages (JIT, and the allocator's pools: see WARM_UPS).
    for (let i = 0; i < WARM_UPS; i++) await post(agent, port, m);
    const times: number[] = [];
    // The gateway's cadence: one at a time, 100 ms apart.
    for (let i = 0; i < Math.max(o.runs * 2, 10); i++) {
      await new Promise((r) => setTimeout(r, 100));
      const t = performance.now();
      await post(agent, port, m);
      times.push(performance.now() - t);
    }
    return median(times);
  } finally {
    agent.destroy();
    child.send('stop');
  }
}

/** `receiveMessage` + `buildMdn` in this process: the AS2 library alone, no HTTP, archive or ledger. */
async function inProcess(o: { size: Size; runs: number; us: Pair; them: Pair }): Promise<number> {
  const build = builder(crypto.randomBytes(o.size.bytes), o.us, o.them);
  const security = {
    partnerId: 'them',
    ourId: 'BENCH-US',
    partnerCertificates: [o.them.certificate],
    ourKeys: [{ privateKey: crypto.createPrivateKey(o.us.privateKey), certificate: o.us.certificate }],
  };
  const once = async () => {
    const m = build();
    const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const t = performance.now();
    const r = await receiveMessage({ headers, body: m.body }, { findPartner: () => security });
    await r.buildMdn();
    if (r.disposition.type !== 'processed' || r.disposition.modifier) throw new Error('in-process receive failed');
    return performance.now() - t;
  };
  for (let i = 0; i < WARM_UPS; i++) await once();
  const times: number[] = [];
  const samples = o.size.bytes >= 10_000_000 ? Math.max(o.runs, 5) : Math.max(o.runs * 4, 25);
  for (let i = 0; i < samples; i++) times.push(await once());
  return median(times);
}

/** The floor in its own process (bench/as2Floor.ts says why): median of many runs after WARM_UPS. */
async function floorInChild(o: { size: Size; runs: number; us: Pair; them: Pair }): Promise<number> {
  const child = fork(fileURLToPath(new URL('./as2Floor.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { floorMs: number }) => resolve(m.floorMs));
      child.once('exit', (c) => reject(new Error(`as2Floor.ts exited ${c} before answering`)));
      child.send({
        bytes: o.size.bytes,
        // Many samples: at 10 kB one floor run is well under a millisecond, and one scheduler hiccup would move a median of five.
        samples: o.size.bytes >= 10_000_000 ? Math.max(o.runs, 5) : Math.max(o.runs * 4, 25),
        warmUps: o.size.bytes >= 10_000_000 ? 10 : WARM_UPS,
        us: { privateKey: o.us.privateKey, certificate: o.us.certificate },
        them: { privateKey: o.them.privateKey, certificate: o.them.certificate },
      });
    });
  } finally {
    child.kill();
  }
}

/** Floor (Node primitives) and openssl cms times for one size. */
async function floor(o: { size: Size; runs: number; us: Pair; them: Pair; home: string; probeBody: Buffer }): Promise<{
  floorMs: number;
  opensslMs?: number;
}> {
  const floorMs = await floorInChild(o);
  if (spawnSync('openssl', ['version']).status !== 0) return { floorMs };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edigate-bench-openssl-'));
  const der = path.join(dir, 'm.der');
  writeFileSync(der, o.probeBody);
  const times: number[] = [];
  for (let r = 0; r < Math.max(o.runs, 3); r++) {
    const t = performance.now();
    const dec = spawnSync(
      'openssl',
      [
        'cms',
        '-decrypt',
        '-inform',
        'DER',
        '-in',
        der,
        '-recip',
        path.join(o.home, 'c.pem'),
        '-inkey',
        path.join(o.home, 'k.pem'),
        '-binary',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const signedEntity = path.join(dir, 'signed.eml');
    writeFileSync(signedEntity, dec.stdout);
    spawnSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-in',
        signedEntity,
        '-CAfile',
        path.join(o.home, 't.pem'),
        '-purpose',
        'any',
        '-binary',
        '-out',
        '/dev/null',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    times.push(performance.now() - t);
  }
  rmSync(dir, { recursive: true, force: true });
  return { floorMs, opensslMs: median(times) };
}

/** The AS2 benchmark section. */
export default async function as2Bench(args: string[]): Promise<string> {
  const { quick, runs, rest } = parseBenchArgs(args);
  // `--no-fsync`: the archive without fsync (archive.fsync: false), to show what the disk's syncs cost; not a production setting.
  const noFsync = rest.includes('--no-fsync');
  const sizes: Size[] = quick
    ? [
        { bytes: 10_000, messages: 200, concurrency: 16 },
        { bytes: 1_000_000, messages: 8, concurrency: 2 },
        { bytes: 10_000_000, messages: 2, concurrency: 1 },
      ]
    : [
        { bytes: 10_000, messages: 800, concurrency: 16 },
        { bytes: 1_000_000, messages: 30, concurrency: 4 },
        { bytes: 10_000_000, messages: 4, concurrency: 2 },
      ];
  const home = mkdtempSync(path.join(os.tmpdir(), 'edigate-bench-as2-'));
  const us = createSelfSigned({ commonName: 'BENCH-US', days: 2 });
  const them = createSelfSigned({ commonName: 'BENCH-THEM', days: 2 });
  mkdirSync(path.join(home, 'partner-profiles'));
  writeFileSync(path.join(home, 'k.pem'), us.privateKey);
  writeFileSync(path.join(home, 'c.pem'), us.certificate);
  writeFileSync(path.join(home, 't.pem'), them.certificate);
  writeFileSync(path.join(home, 'tk.pem'), them.privateKey);
  writeFileSync(
    path.join(home, 'edigate.yaml'),
    `as2: { id: BENCH-US, key: k.pem, certificate: c.pem }\nlog: { level: warn }\n${noFsync ? 'archive: { fsync: false }\n' : ''}`,
  );
  writeFileSync(
    path.join(home, 'partner-profiles/them.yaml'),
    'id: them\nname: Them\nas2: { id: BENCH-THEM, certificate: ../t.pem }\n',
  );

  const rows: string[][] = [];
  const floorRows: string[][] = [];
  let rate10k: number | undefined;
  let ratio1m: number | undefined;
  let libRatio1m: number | undefined;
  let rate10kMem: number | undefined;
  let rate10kPg: number | undefined;
  const floors = new Map<
    number,
    { floorMs: number; opensslMs?: number; libMs: number; transportMs: number; minimalMs: number }
  >();
  try {
    // A PostgreSQL ledger too when DATABASE_URL is set (give it a fresh `?schema=`).
    const modes = process.env.DATABASE_URL ? (['ledger', 'pg', 'memory'] as const) : (['ledger', 'memory'] as const);
    for (const mode of modes) {
      const child = fork(fileURLToPath(new URL('./as2Server.ts', import.meta.url)), [home, mode], {
        execArgv: ['--conditions=source', '--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const port = await new Promise<number>((resolve, reject) => {
        child.once('message', (m: { port: number }) => resolve(m.port));
        child.once('exit', (c) => reject(new Error(`bench server exited ${c}`)));
      });
      try {
        for (const size of sizes) {
          // A fresh keep-alive agent per size: sockets left idle while the floor runs could meet the server's idle timeout.
          const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
          const r = await measure({ size, port, agent, runs, us, them, home }).finally(() => agent.destroy());
          if (!floors.has(size.bytes)) {
            const libMs = await inProcess({ size, runs, us, them });
            const transportMs = await reference({ script: './as2Echo.ts', size, runs, us, them });
            const minimalDir = mkdtempSync(path.join(os.tmpdir(), 'edigate-bench-minimal-'));
            const minimalMs = await reference({
              script: './as2Minimal.ts',
              args: [minimalDir, ...(noFsync ? ['nofsync'] : [])],
              size,
              runs,
              us,
              them,
            }).finally(() => rmSync(minimalDir, { recursive: true, force: true }));
            floors.set(size.bytes, {
              ...(await floor({ size, runs, us, them, home, probeBody: r.probeBody })),
              libMs,
              transportMs,
              minimalMs,
            });
          }
          const f = floors.get(size.bytes)!;
          const ratio = r.seqMs / f.floorMs;
          if (mode === 'ledger' && size.bytes === 10_000) rate10k = r.rate;
          if (mode === 'pg' && size.bytes === 10_000) rate10kPg = r.rate;
          if (mode === 'ledger' && size.bytes === 1_000_000) ratio1m = ratio;
          if (size.bytes === 1_000_000) libRatio1m = f.libMs / f.floorMs;
          if (mode === 'memory' && size.bytes === 10_000) rate10kMem = r.rate;
          const label =
            mode === 'ledger'
              ? 'full (PGlite ledger)'
              : mode === 'pg'
                ? 'full (PostgreSQL ledger)'
                : 'without database';
          rows.push([
            fmtSize(size.bytes),
            label,
            `${size.messages} × ${runs}`,
            String(size.concurrency),
            fmt(r.rate),
            fmt(r.latencyMedian),
            fmt(r.latencyP95),
            fmt(r.seqMs),
          ]);
          floorRows.push([
            fmtSize(size.bytes),
            label,
            fmt(r.seqMs),
            `${fmt(f.libMs)} (${fmt(f.libMs / f.floorMs)}×)`,
            fmt(f.floorMs),
            `${fmt(ratio)}×`,
            `${fmt(f.transportMs)} (${fmt(f.transportMs / f.floorMs)}×)`,
            `${fmt(f.minimalMs)} (${fmt(f.minimalMs / f.floorMs)}×)`,
            f.opensslMs === undefined ? 'n/a' : fmt(f.opensslMs),
          ]);
        }
      } finally {
        child.send('stop');
        await new Promise((r) => child.once('exit', r));
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return [
    '## AS2',
    '',
    `Signed (sha-256, RSA-2048) + encrypted (AES-256-CBC, RSA PKCS#1 v1.5) messages posted over HTTP (keep-alive) to the gateway in a child process; each answered with a signed sync MDN. The receive path includes the raw-request archive ${noFsync ? '**without fsync (`--no-fsync`: a diagnostic, not a production setting; the targets do not count here)**' : 'with fsync'}, the ledger (PGlite in memory; PostgreSQL at DATABASE_URL when set; or none) and the payload archive. Each size starts with one untimed burst (warm-up); msg/s is the median of the timed bursts; one at a time is the median of max(2 × runs, 10) single messages sent with the gateway idle.`,
    '',
    table(
      [
        'payload',
        'gateway',
        'messages × runs',
        'in flight',
        'msg/s (median)',
        'latency median ms',
        'latency p95 ms',
        'one at a time ms',
      ],
      rows,
    ),
    '',
    "Floor: the same cryptography in process with Node crypto primitives only (RSA key unwrap, AES-256-CBC decrypt, SHA-256 twice, RSA verify, RSA sign of the MDN). `openssl cms`: `-decrypt` then `-verify`, one process each, for reference. Floor and in-process times: median of max(4 × runs, 25) runs (5 at 10 MB). Transport only: the same bodies posted one at a time, 100 ms apart, to a Node server in another process that only reads them and answers 3 kB (bench/as2Echo.ts) — what HTTP alone costs before any work. Minimal receiver: the same, to a server that does only the floor's cryptography on the body and writes an fdatasynced copy of it in a worker thread before answering (bench/as2Minimal.ts) — the least any receiver with a durable archive can take here; no MIME, CMS parsing or ledger.",
    '',
    table(
      [
        'payload',
        'gateway',
        'edigate over HTTP, one at a time, ms',
        'receiveMessage + MDN in process, ms (× floor)',
        'floor ms',
        'HTTP ÷ floor',
        'transport only, ms (× floor)',
        'minimal receiver, ms (× floor)',
        'openssl cms ms',
      ],
      floorRows,
    ),
    '',
    ...(noFsync ? ['_`--no-fsync`: the verdicts below describe a diagnostic run, not the targets._', ''] : []),
    `- ${verdict(rate10k === undefined ? undefined : rate10k >= 200, `${fmt(rate10k ?? Number.NaN)} msg/s at 10 kB, full path with the PGlite ledger`, '≥ 200 msg/s')}`,
    ...(rate10kPg === undefined
      ? []
      : [
          `- ${verdict(rate10kPg >= 200, `${fmt(rate10kPg)} msg/s at 10 kB, full path with the PostgreSQL ledger`, '≥ 200 msg/s')}`,
        ]),
    `- ${verdict(rate10kMem === undefined ? undefined : rate10kMem >= 200, `${fmt(rate10kMem ?? Number.NaN)} msg/s at 10 kB without the database`, '≥ 200 msg/s')}`,
    `- ${verdict(ratio1m === undefined ? undefined : ratio1m <= 2, `${fmt(ratio1m ?? Number.NaN)}× the floor at 1 MB, end to end over HTTP with ${noFsync ? 'archive (no fsync)' : 'archive fsyncs'} and ledger`, '≤ 2×')}`,
    `- ${verdict(libRatio1m === undefined ? undefined : libRatio1m <= 2, `${fmt(libRatio1m ?? Number.NaN)}× the floor at 1 MB, receiveMessage + MDN in process`, '≤ 2×')}`,
    '',
  ].join('\n');
}
