import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  parseEdi,
  validateGuides,
  type EdiIssue,
  type FunctionalGroup,
  type Interchange,
  type TransactionSet,
} from '@edigate/edi';
import type { PartnerProfile } from '@edigate/gateway';
import type { GroupInput, InterchangeInput, RecordedInterchange, RecordStatus, SetInput } from '@edigate/ledger';
import { Command } from 'commander';
import { CliError, ExitCode, resolveHome, withCommon, type CommonOptions } from '../context.js';
import type { Register } from '../program.js';
import { openHomeLedger, table } from './ledger.js';

type Verdict = Exclude<RecordStatus, 'duplicate' | 'sent'>;

const errorsIn = (issues: readonly EdiIssue[]) => issues.filter((i) => i.severity === 'error');

/**
 * A set's verdict from its issues: any error rejects it (997 AK501 `R`), as
 * X12.6 has no partial acceptance of one set.
 */
export function setVerdict(set: TransactionSet): Verdict {
  return errorsIn(set.issues).length > 0 ? 'rejected' : 'accepted';
}

/**
 * A group's verdict (997 AK901): `rejected` when the group itself has an
 * error or every set is rejected; `accepted-with-errors` (`P`, partially
 * accepted) when only some sets are; else `accepted`.
 */
export function groupVerdict(group: FunctionalGroup): Verdict {
  if (errorsIn(group.issues).length > 0) return 'rejected';
  const sets = group.sets.map(setVerdict);
  if (sets.length > 0 && sets.every((s) => s === 'rejected')) return 'rejected';
  return sets.some((s) => s !== 'accepted') ? 'accepted-with-errors' : 'accepted';
}

/** An interchange's verdict: envelope errors (TA1) reject it; a group not wholly accepted makes it `accepted-with-errors`. */
export function interchangeVerdict(ic: Interchange): Verdict {
  if (errorsIn(ic.issues).length > 0) return 'rejected';
  return ic.groups.map(groupVerdict).some((g) => g !== 'accepted') ? 'accepted-with-errors' : 'accepted';
}

/** The partner whose profile names the interchange's sender (X12 ISA05/06, EDIFACT UNB S002). */
export function partnerFor(ic: Interchange, partners: PartnerProfile[]): string | undefined {
  const match = partners.find((p) =>
    ic.standard === 'x12'
      ? p.x12 && p.x12.id.trim() === ic.sender.id.trim() && p.x12.qualifier.trim() === ic.sender.qualifier.trim()
      : p.edifact &&
        p.edifact.id === ic.sender.id &&
        (p.edifact.qualifier === undefined || p.edifact.qualifier === ic.sender.qualifier),
  );
  return match?.id;
}

/** The ledger's input for one parsed interchange. */
export function toInterchangeInput(
  ic: Interchange,
  opts: { partnerId?: string; archiveId?: number },
): InterchangeInput {
  const issueCodes = [
    ...new Set(
      [...ic.issues, ...ic.groups.flatMap((g) => [...g.issues, ...g.sets.flatMap((s) => s.issues)])]
        .filter((i) => i.severity === 'error')
        .map((i) => i.code),
    ),
  ];
  const groups: GroupInput[] = ic.groups.map((g) => ({
    functionalId: g.functionalId,
    controlNumber: g.controlNumber,
    version: g.version,
    ...(g.sender ? { senderId: g.sender.id } : {}),
    ...(g.receiver ? { receiverId: g.receiver.id } : {}),
    status: groupVerdict(g),
    sets: g.sets.map((s): SetInput => ({
      setId: s.id,
      controlNumber: s.controlNumber,
      version: s.version,
      status: setVerdict(s),
      segmentCount: s.segments.length,
    })),
  }));
  return {
    direction: 'inbound',
    ...(opts.partnerId ? { partnerId: opts.partnerId } : {}),
    standard: ic.standard,
    // X12 pads ISA06/ISA08 to 15 characters; the key is the id without the padding.
    sender: { qualifier: ic.sender.qualifier.trim(), id: ic.sender.id.trim() },
    receiver: { qualifier: ic.receiver.qualifier.trim(), id: ic.receiver.id.trim() },
    controlNumber: ic.controlNumber.trim(),
    version: ic.version,
    test: ic.test,
    ackRequested: ic.ackRequested,
    date: ic.date,
    time: ic.time,
    status: interchangeVerdict(ic),
    issues: issueCodes,
    ...(opts.archiveId !== undefined ? { archiveId: opts.archiveId } : {}),
    groups,
  };
}

interface IngestOptions extends CommonOptions {
  partner?: string;
}

/** One interchange of the `--json` report. */
interface IngestedJson {
  index: number;
  controlNumber: string;
  sender: string;
  receiver: string;
  partnerId: string | null;
  recorded: RecordedInterchange;
}

/** `edigate ingest <file> [--partner <id>]` — parse a file and record its interchanges in the ledger. */
export const registerIngest: Register = (program, io, setExit) => {
  const cmd = new Command('ingest')
    .description(
      'parse an X12/EDIFACT file and record its interchanges, groups and sets in the ledger (duplicates are recorded as such)',
    )
    .argument('<file>', 'the file to ingest');
  withCommon(cmd)
    .option('--partner <id>', 'the partner it came from (default: the profile whose x12/edifact id is the sender)')
    .action(async (file: string, opts: IngestOptions) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (err) {
        throw new CliError(
          `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
          ExitCode.unreadable,
        );
      }
      const parsed = parseEdi(bytes);
      parsed.interchanges.forEach((ic, i) => validateGuides(ic, { interchangeIndex: i }));
      const home = resolveHome(opts);
      const { ledger, partners } = await openHomeLedger(home, io);
      try {
        if (opts.partner && partners.length > 0 && !partners.some((p) => p.id === opts.partner)) {
          io.stderr(`edigate: warning: no partner profile ${opts.partner} in ${home}\n`);
        }
        const archive = await ledger.recordArchive({
          sha256: createHash('sha256').update(bytes).digest('hex'),
          size: bytes.length,
          location: path.resolve(file),
          kind: 'ingest',
        });
        const results: IngestedJson[] = [];
        for (const [index, ic] of parsed.interchanges.entries()) {
          const partnerId = opts.partner ?? partnerFor(ic, partners);
          const input = toInterchangeInput(ic, { ...(partnerId ? { partnerId } : {}), archiveId: archive.id });
          const recorded = await ledger.recordInterchange(input);
          results.push({
            index,
            controlNumber: input.controlNumber,
            sender: `${input.sender.qualifier}:${input.sender.id}`,
            receiver: `${input.receiver.qualifier}:${input.receiver.id}`,
            partnerId: partnerId ?? null,
            recorded,
          });
        }
        const fileErrors = errorsIn(parsed.issues);
        const clean =
          results.length > 0 &&
          fileErrors.length === 0 &&
          results.every((r) => r.recorded.status === 'accepted' || r.recorded.status === 'accepted-with-errors');
        if (!clean) setExit(ExitCode.invalid);
        if (opts.json) {
          io.stdout(
            `${JSON.stringify({ file, archiveId: archive.id, interchanges: results, issues: parsed.issues }, null, 2)}\n`,
          );
          return;
        }
        if (results.length === 0) {
          io.stdout(
            `${file}: no interchange found${fileErrors[0] ? ` (${fileErrors[0].code}: ${fileErrors[0].message})` : ''}\n`,
          );
          return;
        }
        io.stdout(`${file}: ${results.length} interchange(s) recorded\n`);
        io.stdout(
          table(
            ['ID', 'CONTROL #', 'FROM → TO', 'PARTNER', 'GROUPS', 'SETS', 'STATUS'],
            results.map((r) => [
              String(r.recorded.id),
              r.controlNumber,
              `${r.sender} → ${r.receiver}`,
              r.partnerId ?? '-',
              String(parsed.interchanges[r.index]!.groups.length),
              String(parsed.interchanges[r.index]!.groups.reduce((n, g) => n + g.sets.length, 0)),
              r.recorded.status +
                (r.recorded.duplicateOf !== undefined ? ` of #${r.recorded.duplicateOf} (not processed again)` : ''),
            ]),
          ),
        );
        for (const e of fileErrors.slice(0, 5)) io.stdout(`file issue ${e.code}: ${e.message}\n`);
      } finally {
        await ledger.close();
      }
    });
  program.addCommand(cmd);
};
