import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSelfSigned } from '@edigate/gateway';
import { Command } from 'commander';
import { CliError, ExitCode, withCommon, type CommonOptions } from '../context.js';
import type { Register } from '../program.js';

interface CertsNewOptions extends CommonOptions {
  cn?: string;
  days?: string;
  out?: string;
  force?: boolean;
}

/** `edigate certs new [--cn <name>] [--days N] [--out <dir>] [--json]` — a key and a self-signed certificate for testing. */
export const registerCerts: Register = (program, io) => {
  const certs = new Command('certs').description('keys and certificates');
  const cmd = new Command('new').description(
    'make an RSA-2048 key and a self-signed certificate (for tests and demos)',
  );
  withCommon(cmd)
    .option('--cn <name>', 'common name (usually the AS2 name)', 'edigate')
    .option('--days <n>', 'validity in days', '730')
    .option('--out <dir>', 'folder for <cn>.key.pem and <cn>.cert.pem (default: current directory)')
    .option('--force', 'overwrite existing files')
    .action((opts: CertsNewOptions) => {
      const days = Number(opts.days);
      if (!Number.isInteger(days) || days < 1 || days > 36_500)
        throw new CliError(`--days must be a whole number of days, got ${opts.days}`, ExitCode.unreadable);
      const cn = opts.cn ?? 'edigate';
      const out = path.resolve(opts.out ?? process.cwd());
      const base = cn.replace(/[^A-Za-z0-9_.-]+/g, '_');
      const keyFile = path.join(out, `${base}.key.pem`);
      const certificateFile = path.join(out, `${base}.cert.pem`);
      for (const f of [keyFile, certificateFile])
        if (existsSync(f) && !opts.force)
          throw new CliError(`${f} exists (use --force to overwrite)`, ExitCode.unreadable);
      const pair = createSelfSigned({ commonName: cn, days });
      mkdirSync(out, { recursive: true });
      writeFileSync(keyFile, pair.privateKey, { mode: 0o600 });
      writeFileSync(certificateFile, pair.certificate);
      const info = {
        key: keyFile,
        certificate: certificateFile,
        commonName: cn,
        serialNumber: pair.serialNumber,
        notBefore: pair.notBefore.toISOString(),
        notAfter: pair.notAfter.toISOString(),
        sha256: pair.fingerprint,
      };
      if (opts.json) io.stdout(`${JSON.stringify(info, null, 2)}\n`);
      else
        io.stdout(
          `key          ${keyFile}\ncertificate  ${certificateFile}\nsubject      CN=${cn}\nvalid until  ${info.notAfter}\nsha256       ${pair.fingerprint}\n`,
        );
    });
  certs.addCommand(cmd);
  program.addCommand(certs);
};
