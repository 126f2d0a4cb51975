import { readFile } from 'node:fs/promises';
import { formatIssue, partnerOf, translateAll } from '@edigate/maps';
import { CliError, ExitCode, resolveHome, withCommon, type CommonOptions, type Io } from '../context.js';
import type { Register } from '../program.js';
import { loadRepository, parseForTranslation, readPartners } from './maps.js';

interface TranslateOptions extends CommonOptions {
  partner?: string;
}

/**
 * `edigate translate <file> [--partner <id>] [--json]`: every set of the file
 * through its map; the partner comes from `--partner` or from the envelope's
 * sender id, and a sender with no partner gets the standard maps.
 */
export const registerTranslate: Register = (program, io: Io, setExit) => {
  withCommon(
    program
      .command('translate')
      .description('translate the X12 / EDIFACT sets of a file into internal documents through the partner maps')
      .argument('<file>', 'EDI file ("-" for stdin)')
      .option('--partner <id>', 'use this partner’s maps (default: the partner whose id is the envelope sender)'),
  ).action(async (file: string, opts: TranslateOptions) => {
    const home = resolveHome(opts);
    let input: Uint8Array;
    try {
      if (file === '-') {
        const chunks: Uint8Array[] = [];
        for await (const c of io.stdin()) chunks.push(c);
        input = Buffer.concat(chunks);
      } else input = await readFile(file);
    } catch (e) {
      throw new CliError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, ExitCode.unreadable);
    }
    const repository = loadRepository(home);
    const partners = readPartners(home);
    if (
      opts.partner &&
      !partners.some((p) => p.id === opts.partner) &&
      ![...repository.maps.keys()].some((f) => f.startsWith(`${opts.partner}/`))
    ) {
      throw new CliError(
        `unknown partner '${opts.partner}' (no partner-profiles/${opts.partner}.yaml and no maps/${opts.partner}/)`,
        ExitCode.unreadable,
      );
    }
    const parsed = parseForTranslation(input);
    if (parsed.interchanges.length === 0)
      throw new CliError(`${file}: no X12 or EDIFACT interchange found`, ExitCode.unreadable);
    const results = await translateAll(parsed, {
      partnerOf: (ic) => opts.partner ?? partnerOf(ic, partners),
      selectMap: repository.selector,
    });
    const failed = results.filter((r) => !r.document).length;
    if (opts.json) {
      io.stdout(
        `${JSON.stringify(
          results.map((r) => ({
            set: r.setId,
            controlNumber: r.controlNumber,
            position: r.position,
            map: r.map ?? null,
            document: r.document ?? null,
            issues: r.issues,
          })),
          null,
          2,
        )}\n`,
      );
    } else {
      for (const r of results) {
        const where = `set ${r.setId} ${r.controlNumber} (interchange ${r.position.interchange + 1}, group ${r.position.group + 1}, set ${r.position.set + 1})`;
        io.stdout(`${r.document ? 'ok  ' : 'FAIL'} ${where}${r.map ? ` via maps/${r.map}` : ''}\n`);
        for (const i of r.issues) io.stdout(`  ${formatIssue(i).replace(/\n/g, '\n  ')}\n`);
        if (r.document) io.stdout(`${JSON.stringify(r.document, null, 2)}\n`);
      }
      io.stdout(`${results.length - failed} translated, ${failed} failed\n`);
    }
    setExit(failed ? ExitCode.invalid : ExitCode.ok);
  });
};
