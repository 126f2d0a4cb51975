import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatConfigIssue, loadHome, parseDuration, type PartnerProfile } from '@edigate/gateway';
import {
  InvalidCursorError,
  openLedger,
  RECORD_STATUSES,
  type InterchangeChain,
  type InterchangeFilter,
  type InterchangeSummary,
  type Ledger,
  type RecordStatus,
} from '@edigate/ledger';
import { Command, Option } from 'commander';
import { CliError, ExitCode, resolveHome, withCommon, type CommonOptions, type Io } from '../context.js';
import type { Register } from '../program.js';

/** The ledger of a home, with the partner profiles that tune it. */
export interface HomeLedger {
  ledger: Ledger;
  partners: PartnerProfile[];
}

/**
 * Opens the ledger of `home` as `edigate serve` does: `DATABASE_URL` or
 * `database.url`, else PGlite under `<home>/.edigate/ledger`. A home whose
 * configuration does not load still opens (with a warning): ops must be able
 * to read the ledger when a profile is broken.
 */
export async function openHomeLedger(home: string, io: Io): Promise<HomeLedger> {
  let url = process.env.DATABASE_URL || undefined;
  let dataDir = path.join(home, '.edigate', 'ledger');
  let partners: PartnerProfile[] = [];
  if (existsSync(path.join(home, 'edigate.yaml'))) {
    const { config, issues } = loadHome(home, { generateDemoKeys: false });
    if (config) {
      url = config.database.url;
      dataDir = config.database.dataDir;
      partners = config.partners;
    } else {
      io.stderr(
        `edigate: warning: the configuration in ${home} does not load (${issues.length} issue(s)); using defaults\n`,
      );
      for (const i of issues.slice(0, 5)) io.stderr(`  ${formatConfigIssue(i)}\n`);
    }
  }
  const byPartner = Object.fromEntries(
    partners.filter((p) => p.retention?.days).map((p) => [p.id, p.retention!.days!]),
  );
  try {
    const ledger = await openLedger({ ...(url ? { url } : { dataDir }), retention: { byPartner } });
    return { ledger, partners };
  } catch (err) {
    throw new CliError(
      `cannot open the ledger: ${err instanceof Error ? err.message : String(err)}`,
      ExitCode.unreadable,
    );
  }
}

async function withLedger<T>(opts: CommonOptions, io: Io, fn: (h: HomeLedger) => Promise<T>): Promise<T> {
  const h = await openHomeLedger(resolveHome(opts), io);
  try {
    return await fn(h);
  } finally {
    await h.ledger.close();
  }
}

function parseDate(value: string, flag: string): Date {
  // A bare date means midnight UTC.
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) throw new CliError(`${flag}: not a date or time: ${value}`, ExitCode.unreadable);
  return d;
}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new CliError(`--limit: a whole number from 1 to 500, not ${value}`, ExitCode.unreadable);
  return n;
}

function parseStatuses(value: string | undefined): RecordStatus[] | undefined {
  if (value === undefined) return undefined;
  const statuses = value.split(',').map((s) => s.trim());
  for (const s of statuses) {
    if (!RECORD_STATUSES.includes(s as RecordStatus)) {
      throw new CliError(
        `--status: one of ${RECORD_STATUSES.join(', ')} (comma-separated), not ${s}`,
        ExitCode.unreadable,
      );
    }
  }
  return statuses as RecordStatus[];
}

interface ListOptions extends CommonOptions {
  partner?: string;
  status?: string;
  direction?: 'inbound' | 'outbound';
  from?: string;
  to?: string;
  controlNumber?: string;
  limit?: string;
  cursor?: string;
}

function filterFrom(opts: ListOptions): InterchangeFilter {
  const f: InterchangeFilter = {};
  if (opts.partner) f.partnerId = opts.partner;
  const statuses = parseStatuses(opts.status);
  if (statuses) f.status = statuses;
  if (opts.direction) f.direction = opts.direction;
  if (opts.from) f.from = parseDate(opts.from, '--from');
  if (opts.to) f.to = parseDate(opts.to, '--to');
  if (opts.controlNumber) f.controlNumber = opts.controlNumber;
  const limit = parseLimit(opts.limit);
  if (limit) f.limit = limit;
  if (opts.cursor) f.cursor = opts.cursor;
  return f;
}

function listCommand(name: string, description: string): Command {
  const cmd = new Command(name).description(description);
  withCommon(cmd)
    .option('--partner <id>', 'only this partner')
    .addOption(new Option('--direction <direction>', 'inbound or outbound').choices(['inbound', 'outbound']))
    .option('--from <date>', 'received/sent at or after (ISO date or time)')
    .option('--to <date>', 'received/sent before (ISO date or time)')
    .option('--control-number <n>', 'interchange control number (ISA13 / UNB 0020)')
    .option('--limit <n>', 'rows per page, 1–500 (default 50)')
    .option('--cursor <cursor>', 'the next-page cursor a previous listing printed');
  return cmd;
}

/** A fixed-width text table (no colours: output is also read from logs). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

const time = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19);
const party = (p: { qualifier: string; id: string }) => `${p.qualifier}:${p.id}`;

function summaryRow(r: InterchangeSummary): string[] {
  return [
    String(r.id),
    time(r.at),
    r.direction === 'inbound' ? 'in' : 'out',
    r.partnerId ?? '-',
    r.controlNumber,
    `${party(r.sender)} → ${party(r.receiver)}`,
    `${r.groupCount}/${r.setCount}`,
    r.status + (r.duplicateOf !== null ? ` of #${r.duplicateOf}` : '') + (r.test ? ' (test)' : ''),
    r.ack ? `${r.ack.kind}${r.ack.code ? ` ${r.ack.code}` : ''}` : '-',
  ];
}

const SUMMARY_HEADERS = ['ID', 'AT (UTC)', 'DIR', 'PARTNER', 'CONTROL #', 'FROM → TO', 'GRP/SETS', 'STATUS', 'ACK'];

function json(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

function nextPageHint(io: Io, cursor: string | null): void {
  if (cursor) io.stdout(`\nmore: --cursor ${cursor}\n`);
}

/** The SLA of each partner from its profile (`sla.ack`), overridden by `--sla partner=15m`. */
function slaByPartner(partners: PartnerProfile[], overrides: string[]): Record<string, number> {
  const sla: Record<string, number> = {};
  for (const p of partners) if (typeof p.sla?.ack === 'number') sla[p.id] = p.sla.ack;
  for (const o of overrides) {
    const m = /^([^=]+)=(.+)$/.exec(o);
    const ms = m ? durationMs(m[2]!) : undefined;
    if (!m || ms === undefined)
      throw new CliError(`--sla: expected <partner>=<duration> such as p_003=15m, not ${o}`, ExitCode.unreadable);
    sla[m[1]!] = ms;
  }
  return sla;
}

function durationMs(text: string): number | undefined {
  return parseDuration(text);
}

function printChain(io: Io, c: InterchangeChain): void {
  const i = c.interchange;
  const out: string[] = [];
  out.push(
    `interchange #${i.id}  ${i.standard.toUpperCase()} ${i.controlNumber}  ${i.direction}  ${i.status}${i.test ? '  (test)' : ''}`,
  );
  out.push(`  partner     ${i.partnerId ?? '-'}`);
  out.push(`  from → to   ${i.senderQualifier}:${i.senderId} → ${i.receiverQualifier}:${i.receiverId}`);
  out.push(`  version     ${i.version}   envelope ${i.envelopeDate ?? '-'} ${i.envelopeTime ?? ''}`.trimEnd());
  const window =
    i.duplicateOf !== null ? '' : `   dedupe until ${time(i.dedupeUntil)}${i.dedupeActive ? '' : ' (retired)'}`;
  out.push(`  at          ${time(i.at)} UTC${window}`);
  if (i.issues.length > 0) out.push(`  issues      ${i.issues.join(', ')}`);
  if (c.original) out.push(`  duplicate of #${c.original.id} (${time(c.original.at)}, ${c.original.status})`);
  if (c.duplicates.length > 0)
    out.push(`  duplicates  ${c.duplicates.map((d) => `#${d.id} (${time(d.at)})`).join(', ')}`);
  if (c.as2Message) {
    const m = c.as2Message;
    out.push(`AS2 message #${m.id}  <${m.messageId}>  ${m.as2From ?? '?'} → ${m.as2To ?? '?'}  ${m.status}`);
    if (m.mic) out.push(`  MIC         ${m.mic} (${m.micAlgorithm ?? '?'})`);
    out.push(
      `  MDN         ${m.mdnMode}${m.mdnSigned ? ', signed' : ''}${m.mdnDisposition ? `  ${m.mdnDisposition}` : ''}`,
    );
    if (m.mdnSentAt) out.push(`  MDN sent    ${time(m.mdnSentAt)} UTC`);
    if (m.mdnReceivedAt)
      out.push(`  MDN received ${time(m.mdnReceivedAt)} UTC${m.mdnMicMatched === false ? '  MIC MISMATCH' : ''}`);
  }
  if (c.archive)
    out.push(`archive #${c.archive.id}  sha256 ${c.archive.sha256}  ${c.archive.size} bytes  ${c.archive.location}`);
  const ackText = (a: InterchangeChain['acknowledgments'][number]) =>
    `${a.direction} ${a.kind}${a.code ? ` ${a.code}` : ''}${a.controlNumber ? ` #${a.controlNumber}` : ''} at ${time(a.at)}`;
  for (const a of c.acknowledgments.filter((x) => x.groupId === null)) out.push(`ack  ${ackText(a)}`);
  for (const g of c.groups) {
    out.push(
      `group #${g.id}  ${g.functionalId || '(implicit)'} ${g.controlNumber}  ${g.version}  ${g.setCount} set(s)  ${g.status}${g.duplicateOf ? ` of #${g.duplicateOf}` : ''}`,
    );
    for (const a of c.acknowledgments.filter((x) => x.groupId === g.id)) out.push(`  ack  ${ackText(a)}`);
    for (const s of g.sets) {
      out.push(
        `  set #${s.id}  ${s.setId} ${s.controlNumber}  ${s.status}${s.duplicateOf ? ` of #${s.duplicateOf}` : ''}`,
      );
      for (const a of s.acknowledgments) out.push(`    ack  ${ackText(a)}`);
      for (const d of s.documents) out.push(`    document #${d.id}  ${d.documentType}  map ${d.mapId}@${d.mapVersion}`);
    }
  }
  for (const d of c.documents) out.push(`document #${d.id}  ${d.documentType}  map ${d.mapId}@${d.mapVersion}`);
  io.stdout(out.join('\n') + '\n');
}

/** `edigate ledger interchanges | show | duplicates | overdue-acks`. */
export const registerLedger: Register = (program, io, setExit) => {
  const ledgerCmd = new Command('ledger').description('query the control-number ledger');

  const interchanges = listCommand('interchanges', 'interchanges received and sent, newest first');
  interchanges
    .option('--status <status>', `filter by status (${RECORD_STATUSES.join(', ')}; comma-separated)`)
    .action(async (opts: ListOptions) => {
      const filter = filterFrom(opts);
      await withLedger(opts, io, async ({ ledger }) => {
        const page = await ledger.listInterchanges(filter).catch(rethrowCursor);
        if (opts.json) return json(io, page);
        if (page.rows.length === 0) return io.stdout('no interchanges\n');
        io.stdout(table(SUMMARY_HEADERS, page.rows.map(summaryRow)));
        nextPageHint(io, page.nextCursor);
      });
    });

  const show = new Command('show')
    .description('the whole chain of one interchange: AS2 message, MDN, groups, sets, documents, acknowledgments')
    .argument('<ref>', 'interchange id (or id:<n>), or a control number of an interchange, group or set');
  withCommon(show).action(async (ref: string, opts: CommonOptions) => {
    await withLedger(opts, io, async ({ ledger }) => {
      const found = await ledger.findInterchanges(ref);
      if (found.length === 0) {
        io.stderr(`edigate: no interchange matches ${ref}\n`);
        setExit(ExitCode.invalid);
        if (opts.json) json(io, { matches: [] });
        return;
      }
      const chains = [];
      // An exact id, or a single match: the chain. Several: every chain, newest first (capped at 10).
      const pick = String(found[0]!.id) === ref.replace(/^id:/, '') ? [found[0]!] : found.slice(0, 10);
      for (const s of pick) {
        const chain = await ledger.showInterchange(s.id);
        if (chain) chains.push(chain);
      }
      if (opts.json) return json(io, chains.length === 1 ? chains[0] : { matches: chains });
      if (found.length > 1 && pick.length > 1)
        io.stdout(`${found.length} interchanges match ${ref}${found.length > 10 ? ' (showing 10)' : ''}\n\n`);
      chains.forEach((c, i) => {
        if (i > 0) io.stdout('\n');
        printChain(io, c);
      });
    });
  });

  const duplicates = listCommand('duplicates', 'receipts recorded as duplicates, newest first, with their originals');
  duplicates.action(async (opts: ListOptions) => {
    const filter = filterFrom(opts);
    await withLedger(opts, io, async ({ ledger }) => {
      const page = await ledger.listDuplicates(filter).catch(rethrowCursor);
      if (opts.json) return json(io, page);
      if (page.rows.length === 0) return io.stdout('no duplicates\n');
      io.stdout(
        table(
          ['ID', 'AT (UTC)', 'PARTNER', 'CONTROL #', 'FROM → TO', 'ORIGINAL', 'ORIGINAL AT', 'ORIGINAL STATUS'],
          page.rows.map((r) => [
            String(r.id),
            time(r.at),
            r.partnerId ?? '-',
            r.controlNumber,
            `${party(r.sender)} → ${party(r.receiver)}`,
            r.original ? `#${r.original.id}` : '-',
            r.original ? time(r.original.at) : '-',
            r.original?.status ?? '-',
          ]),
        ),
      );
      nextPageHint(io, page.nextCursor);
    });
  });

  const overdue = new Command('overdue-acks').description(
    "outbound interchanges with no 997/999/CONTRL back past the partner's SLA (partner profile sla.ack)",
  );
  withCommon(overdue)
    .option('--partner <id>', 'only this partner')
    .option(
      '--sla <partner=duration>',
      'SLA for a partner, e.g. p_003=15m (repeatable; overrides sla.ack)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--default-sla <duration>', 'SLA for partners without one (default: not checked)')
    .option('--now <time>', 'judge as of this time (default: now)')
    .action(async (opts: CommonOptions & { partner?: string; sla: string[]; defaultSla?: string; now?: string }) => {
      const now = opts.now ? parseDate(opts.now, '--now') : new Date();
      const defaultSlaMs = opts.defaultSla === undefined ? undefined : durationMs(opts.defaultSla);
      if (opts.defaultSla !== undefined && defaultSlaMs === undefined) {
        throw new CliError(`--default-sla: not a duration: ${opts.defaultSla}`, ExitCode.unreadable);
      }
      await withLedger(opts, io, async ({ ledger, partners }) => {
        const sla = slaByPartner(partners, opts.sla);
        const rows = await ledger.listOverdueAcks({
          now,
          slaByPartner: sla,
          ...(defaultSlaMs !== undefined ? { defaultSlaMs } : {}),
          ...(opts.partner ? { partnerId: opts.partner } : {}),
        });
        if (rows.length > 0) setExit(ExitCode.invalid);
        if (opts.json) return json(io, { now, slaByPartner: sla, defaultSlaMs: defaultSlaMs ?? null, rows });
        if (Object.keys(sla).length === 0 && defaultSlaMs === undefined) {
          io.stdout('no partner has an acknowledgment SLA (sla.ack); use --sla or --default-sla\n');
          return;
        }
        if (rows.length === 0) return io.stdout('no overdue acknowledgments\n');
        io.stdout(
          table(
            ['ID', 'SENT (UTC)', 'PARTNER', 'CONTROL #', 'FROM → TO', 'SLA', 'DUE (UTC)', 'LATE BY'],
            rows.map((r) => [
              String(r.id),
              time(r.at),
              r.partnerId ?? '-',
              r.controlNumber,
              `${party(r.sender)} → ${party(r.receiver)}`,
              humanMs(r.slaMs),
              time(r.dueAt),
              humanMs(r.overdueMs),
            ]),
          ),
        );
      });
    });

  const deadLetters = new Command('dead-letters').description(
    'jobs that failed their last attempt (async MDNs, outbound sends), newest first',
  );
  withCommon(deadLetters)
    .option('--flow <flow>', 'only this flow (as2.mdn, as2.send, webhook.delivery, …)')
    .action(async (opts: CommonOptions & { flow?: string }) => {
      await withLedger(opts, io, async ({ ledger }) => {
        const jobs = await ledger.startJobs({ supervise: false });
        const rows = await jobs.listDeadLetters(opts.flow);
        if (opts.json) return json(io, { rows });
        if (rows.length === 0) return io.stdout('no dead letters\n');
        io.stdout(
          table(
            ['JOB ID', 'FLOW', 'DEAD SINCE (UTC)', 'ATTEMPTS', 'LAST ERROR'],
            rows.map((r) => [r.id, r.flow, time(r.deadAt), String(r.attempts), (r.errors.at(-1) ?? '-').slice(0, 80)]),
          ),
        );
      });
    });

  const replay = new Command('replay')
    .description('send a dead-lettered job back to its flow as attempt 1')
    .argument('<job-id>');
  withCommon(replay).action(async (id: string, opts: CommonOptions) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw new CliError(`not a job id: ${id}`, ExitCode.unreadable);
    }
    await withLedger(opts, io, async ({ ledger }) => {
      await ledger.startJobs({ supervise: false });
      const newId = await ledger.replayDeadLetter(id);
      if (!newId) {
        io.stderr(`edigate: no dead letter ${id}\n`);
        setExit(ExitCode.invalid);
      }
      if (opts.json) return json(io, { replayed: id, job: newId ?? null });
      if (newId) io.stdout(`replayed ${id} as job ${newId}\n`);
    });
  });

  const retention = new Command('retention').description(
    'run the retention job now: retire rows past their dedupe window (evidence is kept unless configured otherwise)',
  );
  withCommon(retention).action(async (opts: CommonOptions) => {
    await withLedger(opts, io, async ({ ledger }) => {
      const r = await ledger.runRetention();
      if (opts.json) return json(io, r);
      io.stdout(
        `retired from dedupe: ${r.retired}\nissued control numbers forgotten: ${r.forgottenControlNumbers}\ninterchanges deleted: ${r.deleted}\n`,
      );
    });
  });

  ledgerCmd
    .addCommand(interchanges)
    .addCommand(show)
    .addCommand(duplicates)
    .addCommand(overdue)
    .addCommand(deadLetters)
    .addCommand(replay)
    .addCommand(retention);
  program.addCommand(ledgerCmd);
};

function rethrowCursor(err: unknown): never {
  if (err instanceof InvalidCursorError)
    throw new CliError('--cursor: not a cursor this ledger printed', ExitCode.unreadable);
  throw err;
}

/** 90000 → `1m30s`. */
export function humanMs(ms: number): string {
  let s = Math.max(0, Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s > 0 || parts.length === 0) parts.push(`${s}s`);
  return parts.slice(0, 2).join('');
}
