import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Archive,
  createLogger,
  loadHomeStrict,
  MemoryRecorder,
  openLedgerBackend,
  sendMessage,
  type HomeConfig,
  type PartnerProfile,
  type SendResult,
} from '@edigate/gateway';
import { Command } from 'commander';
import { CliError, ExitCode, resolveHome, withCommon, type CommonOptions } from '../context.js';
import type { Io } from '../context.js';
import type { Register } from '../program.js';

interface SendOptions extends CommonOptions {
  partner?: string;
  as?: string;
  contentType?: string;
  url?: string;
  subject?: string;
}

/**
 * `edigate send <file> --partner <id>`: one AS2 message from us to a partner,
 * MDN checked, ledger updated. `edigate send <file> --as <id>`: play a demo
 * partner (its key is in its profile) and send to us — for trying a running
 * `edigate serve`; nothing is recorded on our side by the sender.
 */
export const registerSend: Register = (program, io, setExit) => {
  const cmd = new Command('send')
    .description('send a file over AS2 (sign/encrypt/compress per profile; MDN and MIC checked)')
    .argument('<file>');
  withCommon(cmd)
    .option('--partner <id>', 'send to this partner (partner-profiles/<id>.yaml)')
    .option('--as <id>', 'play this demo partner (needs as2.key in its profile) and send to us')
    .option(
      '--content-type <type>',
      'payload media type (default from the partner: application/edi-x12 or application/edifact)',
    )
    .option('--url <url>', "where to post (default: the partner's as2.url; with --as, our as2.url)")
    .option('--subject <text>', 'Subject header')
    .action(async (file: string, opts: SendOptions) => {
      if (!opts.partner === !opts.as)
        throw new CliError('give either --partner <id> or --as <id>', ExitCode.unreadable);
      let payload: Buffer;
      try {
        payload = readFileSync(file);
      } catch (err) {
        throw new CliError(
          `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
          ExitCode.unreadable,
        );
      }
      let config: HomeConfig;
      try {
        config = loadHomeStrict(resolveHome(opts));
      } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err), ExitCode.unreadable);
      }
      const id = (opts.partner ?? opts.as)!;
      const partner = config.partners.find((p) => p.id === id);
      if (!partner?.as2)
        throw new CliError(
          `no AS2 partner ${id} in ${path.join(config.home, 'partner-profiles')}`,
          ExitCode.unreadable,
        );
      const common = {
        payload,
        filename: path.basename(file),
        log: createLogger({ level: 'silent' }),
        ...(opts.contentType ? { contentType: opts.contentType } : {}),
        ...(opts.subject ? { subject: opts.subject } : {}),
      };
      let result: SendResult;
      if (opts.as) {
        const as2 = partner.as2;
        const url = opts.url ?? config.as2.url;
        if (!as2.key) throw new CliError(`partner ${partner.id} has no as2.key: only demo partners can be played`);
        if (!url) throw new CliError('edigate.yaml has no as2.url (use --url)', ExitCode.unreadable);
        const ours = config.as2.keys[0]!;
        // The partner's side of the exchange: their identity, and us as their partner.
        const asThem: Pick<HomeConfig, 'as2'> = {
          as2: {
            id: as2.id,
            keys: [{ privateKey: as2.key, certificate: as2.certificates[0]!, keyFile: '', certificateFile: '' }],
          },
        };
        const us: PartnerProfile = {
          ...partner,
          id: 'edigate',
          name: config.as2.id,
          as2: { ...as2, id: config.as2.id, url, certificates: [ours.certificate], certificateFiles: [] },
        };
        result = await sendMessage({ ...common, config: asThem, partner: us, recorder: new MemoryRecorder() });
      } else {
        if (!partner.as2.url && !opts.url)
          throw new CliError(`partner ${partner.id} has no as2.url (use --url)`, ExitCode.unreadable);
        const { recorder, jobs } = await openLedgerBackend({ config, log: common.log, inMemory: false, jobs: false });
        try {
          result = await sendMessage({
            ...common,
            config,
            partner,
            recorder,
            archive: new Archive({ dir: config.archive.dir, fsync: config.archive.fsync }),
            ...(opts.url ? { url: opts.url } : {}),
          });
        } finally {
          await jobs.stop();
          await recorder.close();
        }
      }
      if (result.status === 'failed' || result.status === 'rejected') setExit(ExitCode.invalid);
      print(io, result, { json: opts.json ?? false, to: opts.as ? config.as2.id : partner.as2.id });
    });
  program.addCommand(cmd);
};

function print(io: Io, result: SendResult, o: { json: boolean; to: string }): void {
  if (o.json) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const mic = result.mdn?.micMatches === undefined ? '' : result.mdn.micMatches ? ' (MIC matches)' : ' (MIC MISMATCH)';
  io.stdout(
    `${result.status}  ${result.messageId}  to ${o.to}  attempts ${result.attempts}` +
      `${result.mdn?.disposition ? `\n  MDN: ${result.mdn.disposition}${mic}` : ''}` +
      `${result.error ? `\n  error: ${result.error}` : ''}${result.mdn?.error ? `\n  MDN error: ${result.mdn.error}` : ''}\n`,
  );
}
