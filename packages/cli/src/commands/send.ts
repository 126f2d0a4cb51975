import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Archive, createLogger, loadHomeStrict, openLedgerBackend, sendMessage } from '@edigate/gateway';
import { Command } from 'commander';
import { CliError, ExitCode, resolveHome, withCommon, type CommonOptions } from '../context.js';
import type { Register } from '../program.js';

interface SendOptions extends CommonOptions {
  partner: string;
  contentType?: string;
  url?: string;
  subject?: string;
}

/** `edigate send <file> --partner <id> [--json]` — one AS2 message to a partner, MDN checked, ledger updated. */
export const registerSend: Register = (program, io, setExit) => {
  const cmd = new Command('send')
    .description('send a file to a partner over AS2 (sign/encrypt/compress per profile; MDN and MIC checked)')
    .argument('<file>');
  withCommon(cmd)
    .requiredOption('--partner <id>', 'partner id (partner-profiles/<id>.yaml)')
    .option(
      '--content-type <type>',
      'payload media type (default from the partner: application/edi-x12 or application/edifact)',
    )
    .option('--url <url>', "override the partner's as2.url")
    .option('--subject <text>', 'Subject header')
    .action(async (file: string, opts: SendOptions) => {
      let payload: Buffer;
      try {
        payload = readFileSync(file);
      } catch (err) {
        throw new CliError(
          `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
          ExitCode.unreadable,
        );
      }
      let config;
      try {
        config = loadHomeStrict(resolveHome(opts));
      } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err), ExitCode.unreadable);
      }
      const partner = config.partners.find((p) => p.id === opts.partner);
      if (!partner?.as2)
        throw new CliError(
          `no AS2 partner ${opts.partner} in ${path.join(config.home, 'partner-profiles')}`,
          ExitCode.unreadable,
        );
      if (!partner.as2.url && !opts.url)
        throw new CliError(`partner ${partner.id} has no as2.url (use --url)`, ExitCode.unreadable);
      const log = createLogger({ level: 'silent' });
      const { recorder, jobs } = await openLedgerBackend({ config, log, inMemory: false, jobs: false });
      try {
        const result = await sendMessage({
          config,
          partner,
          payload,
          filename: path.basename(file),
          recorder,
          archive: new Archive({ dir: config.archive.dir, fsync: config.archive.fsync }),
          log,
          ...(opts.contentType ? { contentType: opts.contentType } : {}),
          ...(opts.url ? { url: opts.url } : {}),
          ...(opts.subject ? { subject: opts.subject } : {}),
        });
        if (result.status === 'failed' || result.status === 'rejected') setExit(ExitCode.invalid);
        if (opts.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        else
          io.stdout(
            `${result.status}  ${result.messageId}  to ${partner.id} (${partner.as2.id})  attempts ${result.attempts}` +
              `${result.mdn?.disposition ? `\n  MDN: ${result.mdn.disposition}${result.mdn.micMatches === undefined ? '' : result.mdn.micMatches ? ' (MIC matches)' : ' (MIC MISMATCH)'}` : ''}` +
              `${result.error ? `\n  error: ${result.error}` : ''}${result.mdn?.error ? `\n  MDN error: ${result.mdn.error}` : ''}\n`,
          );
      } finally {
        await jobs.stop();
        await recorder.close();
      }
    });
  program.addCommand(cmd);
};
