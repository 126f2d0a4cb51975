import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { acknowledge, type AckKind, type AckPolicy, type AcknowledgeOptions, type Acknowledgment } from '@edigate/acks';
import { parseEdi, type Interchange, type PartyId } from '@edigate/edi';
import { formatConfigIssue, loadHome, type PartnerProfile } from '@edigate/gateway';
import { CliError, ExitCode, resolveHome, withCommon, type CommonOptions, type Io } from '../context.js';
import type { Register } from '../program.js';

interface AckOptions extends CommonOptions {
  type: 'auto' | AckKind;
  out?: string;
  controlNumber: string;
  mirrorDelimiters?: boolean;
  at?: string;
}

/** One acknowledgment in the JSON report (`--json`). */
export interface AckJson {
  kind: AckKind;
  /** Index of the interchange acknowledged in the input. */
  interchangeIndex: number;
  controlNumber: string;
  sender: PartyId;
  receiver: PartyId;
  /** What it says: TA1 TA104/TA105, AK901 and AK501s per group, or the CONTRL action codes. */
  summary: Record<string, unknown>;
  /** The acknowledgment as EDI text. */
  text: string;
}

/** Our ids and the partners' acknowledgment policies from the home, when it has an edigate.yaml. */
interface HomeIdentity {
  ourIds: NonNullable<AcknowledgeOptions['ourIds']>;
  partners: PartnerProfile[];
}

function party(value: unknown, max: { qualifier: number; id: number }): PartyId | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { qualifier = '', id } = value as { qualifier?: unknown; id?: unknown };
  if (
    typeof id !== 'string' ||
    id === '' ||
    id.length > max.id ||
    typeof qualifier !== 'string' ||
    qualifier.length > max.qualifier
  )
    return undefined;
  return { qualifier, id };
}

/**
 * Our ids (and the partners' `acks:` policies) from the home. The gateway's
 * loader reads the whole home, keys included; when it cannot (a fresh
 * checkout before the demo keys exist, a key file missing), only `x12` and
 * `edifact` are read from edigate.yaml, and without partner policies.
 */
function readHome(home: string, io: Io): HomeIdentity {
  const file = path.join(home, 'edigate.yaml');
  if (!existsSync(file)) return { ourIds: {}, partners: [] };
  const { config, issues } = loadHome(home, { generateDemoKeys: false });
  if (config === undefined) {
    const ourIds: HomeIdentity['ourIds'] = {};
    try {
      const doc = parseYaml(readFileSync(file, 'utf8')) as { x12?: unknown; edifact?: unknown } | null;
      const x12 = party(doc?.x12, { qualifier: 2, id: 15 });
      const edifact = party(doc?.edifact, { qualifier: 4, id: 35 });
      if (x12) ourIds.x12 = x12;
      if (edifact) ourIds.edifact = edifact;
    } catch {
      // Unreadable YAML: the loader's issue below says why.
    }
    const what =
      ourIds.x12 || ourIds.edifact
        ? 'our ids read from it, no partner policies'
        : 'sender/receiver swapped from the input';
    io.stderr(`edigate: ${issues.map(formatConfigIssue).slice(0, 1).join('')} — ${what}\n`);
    return { ourIds, partners: [] };
  }
  const ourIds: HomeIdentity['ourIds'] = {};
  if (config.x12) ourIds.x12 = { qualifier: config.x12.qualifier, id: config.x12.id };
  if (config.edifact) ourIds.edifact = { qualifier: config.edifact.qualifier ?? '', id: config.edifact.id };
  return { ourIds, partners: config.partners };
}

/** The `acks:` policy of the partner that sent the interchange (matched by its X12 or EDIFACT id), when its profile has one. */
export function partnerPolicy(partners: readonly PartnerProfile[], ic: Interchange): AckPolicy {
  const sender = ic.sender.id.trim();
  const partner = partners.find((p) => (ic.standard === 'x12' ? p.x12?.id : p.edifact?.id) === sender);
  const raw = (partner?.raw as { acks?: unknown } | undefined)?.acks;
  if (typeof raw !== 'object' || raw === null) return {};
  const acks = raw as Record<string, unknown>;
  const policy: AckPolicy = {};
  if (acks.x12Ack === '997' || acks.x12Ack === '999' || acks.x12Ack === 'none') policy.x12Ack = acks.x12Ack;
  if (acks.ta1 === 'always' || acks.ta1 === 'on-error' || acks.ta1 === 'never') policy.ta1 = acks.ta1;
  if (acks.contrl === 'always' || acks.contrl === 'requested' || acks.contrl === 'never') policy.contrl = acks.contrl;
  if (acks.delimiters === 'ours' || acks.delimiters === 'mirror') policy.delimiters = acks.delimiters;
  return policy;
}

function summary(ack: Acknowledgment): Record<string, unknown> {
  const d = ack.detail;
  if (Array.isArray(d)) return { groups: d.map((g) => ({ acknowledgment: g.groupCode, sets: g.setCodes })) };
  if ('noteCode' in d) return { acknowledgment: d.acknowledgment, noteCode: d.noteCode };
  return { action: d.action, messages: d.messageActions };
}

function rejects(ack: Acknowledgment): boolean {
  const d = ack.detail;
  if (Array.isArray(d)) return d.some((g) => g.groupCode !== 'A');
  if ('noteCode' in d) return d.acknowledgment !== 'A';
  return d.action === '4' || d.messageActions.includes('4');
}

async function readInput(file: string, io: Io): Promise<Buffer> {
  try {
    if (file !== '-') return await readFile(file);
    const chunks: Uint8Array[] = [];
    for await (const chunk of io.stdin()) chunks.push(chunk);
    return Buffer.concat(chunks);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, ExitCode.unreadable);
  }
}

/**
 * `edigate ack <file|->`: parses and validates the input and prints the
 * acknowledgments it calls for (TA1, 997, 999, CONTRL) as EDI text, or with
 * `--json` a summary of each beside its text. Our ids come from
 * `<home>/edigate.yaml` (`x12`, `edifact`), else the input's receiver; the
 * partner's `acks:` policy from its profile applies with `--type auto`.
 * Control numbers start at `--control-number` (default 1): the gateway
 * pipeline allocates real ones from the ledger.
 *
 * Exit codes: 0 everything acknowledged as accepted; 1 an acknowledgment
 * rejects something (or notes errors), or the input holds no interchange, or
 * none of the requested kind applies; 2 unreadable input or wrong usage.
 */
export const registerAck: Register = (program, io, setExit) => {
  const cmd = program
    .command('ack')
    .description('build the acknowledgments (TA1, 997, 999, CONTRL) an X12 / EDIFACT file calls for')
    .argument('<file>', 'the interchange file; - reads standard input')
    .addOption(
      new Option('--type <type>', 'which acknowledgment; auto follows the partner policy')
        .choices(['auto', '997', '999', 'ta1', 'contrl'])
        .default('auto'),
    )
    .option('--out <file>', 'write the acknowledgment text to this file instead of standard output')
    .option('--control-number <n>', 'first control number for ISA13/UNB 0020, GS06, ST02/UNH 0062', '1')
    .option('--mirror-delimiters', "write with the partner's delimiters instead of ours")
    .option('--at <timestamp>', 'date and time of the acknowledgment (ISO 8601; default now), for reproducible output');
  withCommon(cmd);
  cmd.action(async (file: string, options: AckOptions) => {
    const n = Number(options.controlNumber);
    if (!Number.isInteger(n) || n < 1 || n > 999_999_999)
      throw new CliError(`--control-number must be a whole number from 1 to 999999999`, ExitCode.unreadable);
    const at = options.at === undefined ? new Date() : new Date(options.at);
    if (Number.isNaN(at.getTime())) throw new CliError(`--at is not a date: ${options.at}`, ExitCode.unreadable);
    const input = await readInput(file, io);
    const home = readHome(resolveHome(options), io);
    const { interchanges } = parseEdi(input);
    if (interchanges.length === 0) {
      io.stderr(`edigate: ${file}: no X12 or EDIFACT interchange found\n`);
      setExit(ExitCode.invalid);
      return;
    }
    const acks: AckJson[] = [];
    let text = '';
    const bytes: Uint8Array[] = [];
    let rejected = false;
    // One run of control numbers across the whole input: each acknowledgment takes the next.
    const next = { interchange: n, group: n, set: n };
    interchanges.forEach((ic, interchangeIndex) => {
      const policy = options.type === 'auto' ? partnerPolicy(home.partners, ic) : {};
      if (options.mirrorDelimiters) policy.delimiters = 'mirror';
      const made = acknowledge(ic, {
        ...policy,
        ourIds: home.ourIds,
        controlNumbers: { ...next },
        at,
        ...(options.type === 'auto' ? {} : { only: options.type }),
      });
      for (const ack of made) {
        next.interchange++;
        next.group += ack.interchange.groups.filter((g) => !g.implicit).length;
        next.set += ack.interchange.groups.reduce((k, g) => k + g.sets.length, 0);
        const ackText = Buffer.from(ack.bytes).toString(ack.interchange.encoding === 'utf8' ? 'utf8' : 'latin1');
        text += ackText;
        bytes.push(ack.bytes);
        rejected ||= rejects(ack);
        acks.push({
          kind: ack.kind,
          interchangeIndex,
          controlNumber: ack.interchange.controlNumber,
          sender: ack.interchange.sender,
          receiver: ack.interchange.receiver,
          summary: summary(ack),
          text: ackText,
        });
      }
    });
    if (acks.length === 0) {
      // With the default policy an EDIFACT interchange without UNB 0031 = 1 asks for nothing: say how to get one anyway.
      const hint = options.type === 'auto' ? ' (the partner policy asks for none; name one with --type)' : '';
      io.stderr(
        `edigate: ${file}: no acknowledgment${options.type === 'auto' ? '' : ` of type ${options.type}`} applies to this input${hint}\n`,
      );
    }
    if (options.out !== undefined) await writeFile(options.out, Buffer.concat(bytes));
    if (options.json) io.stdout(`${JSON.stringify({ file, acknowledgments: acks }, null, 2)}\n`);
    else if (options.out === undefined) io.stdout(text);
    setExit(acks.length === 0 || rejected ? ExitCode.invalid : ExitCode.ok);
  });
};
