import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  describeCertificate,
  formatConfigIssue,
  importOpenAs2,
  loadHome,
  profileToYaml,
  readOpenAs2Properties,
} from '@edigate/gateway';
import { Command } from 'commander';
import { CliError, ExitCode, resolveHome, withCommon, type CommonOptions } from '../context.js';
import type { Register } from '../program.js';

interface ImportOptions extends CommonOptions {
  out?: string;
  config?: string;
  us?: string;
  force?: boolean;
}

/** `edigate partners list` and `edigate partners import-openas2 <partnerships.xml>`. */
export const registerPartners: Register = (program, io, setExit) => {
  const partners = new Command('partners').description('trading partner profiles (partner-profiles/*.yaml)');

  const list = new Command('list').description(
    'list the partner profiles of the home, with AS2 names and certificate expiry',
  );
  withCommon(list).action((opts: CommonOptions) => {
    const home = resolveHome(opts);
    const { config, issues } = loadHome(home, { generateDemoKeys: false });
    if (!config) {
      for (const i of issues) io.stderr(`${formatConfigIssue(i)}\n`);
      throw new CliError(`the configuration in ${home} is invalid`, ExitCode.invalid);
    }
    const rows = config.partners.map((p) => ({
      id: p.id,
      name: p.name,
      mode: p.mode,
      as2Id: p.as2?.id ?? null,
      url: p.as2?.url ?? null,
      certificates: (p.as2?.certificates ?? []).map((c) => {
        const info = describeCertificate(c);
        return info
          ? {
              subject: info.subject,
              notAfter: info.notAfter.toISOString(),
              expired: info.notAfter.getTime() < Date.now(),
            }
          : null;
      }),
      file: path.relative(home, p.file),
    }));
    if (opts.json) {
      io.stdout(`${JSON.stringify({ us: config.as2.id, partners: rows }, null, 2)}\n`);
      return;
    }
    io.stdout(`us: ${config.as2.id}\n`);
    for (const r of rows) {
      const certs = r.certificates
        .map((c) => (c ? `${c.expired ? 'EXPIRED ' : ''}until ${c.notAfter.slice(0, 10)}` : '?'))
        .join(', ');
      io.stdout(
        `${r.id.padEnd(10)} ${r.name.padEnd(24)} ${r.mode.padEnd(5)} ${(r.as2Id ?? '-').padEnd(16)} ${r.url ?? '-'}${certs ? `  cert ${certs}` : ''}\n`,
      );
    }
  });

  const imp = new Command('import-openas2')
    .description('make partner profiles from an OpenAS2 partnerships.xml')
    .argument('<partnerships.xml>');
  withCommon(imp)
    .option('--out <dir>', 'where to write <id>.yaml (default: <home>/partner-profiles)')
    .option(
      '--us <as2-id>',
      'our AS2 id in the file (default: edigate.yaml as2.id, else the partner in every partnership)',
    )
    .option(
      '--config <config.xml>',
      "OpenAS2's config.xml, for $properties.NAME$ in attribute values (default: config.xml beside partnerships.xml)",
    )
    .option('--force', 'overwrite existing profiles')
    .action(async (file: string, opts: ImportOptions) => {
      const home = resolveHome(opts);
      let xml: string;
      try {
        xml = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(
          `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
          ExitCode.unreadable,
        );
      }
      const ours = opts.us ?? loadHome(home, { generateDemoKeys: false }).config?.as2.id;
      const configFile = opts.config ?? path.join(path.dirname(file), 'config.xml');
      let properties: Record<string, string> = {};
      if (opts.config !== undefined || existsSync(configFile)) {
        try {
          properties = await readOpenAs2Properties(readFileSync(configFile, 'utf8'));
        } catch (err) {
          throw new CliError(
            `cannot read ${configFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
            ExitCode.unreadable,
          );
        }
      }
      const result = await importOpenAs2(xml, { ...(ours ? { usAs2Id: ours } : {}), properties });
      if (result.profiles.length === 0) {
        for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
        throw new CliError(`no partners found in ${file}`, ExitCode.invalid);
      }
      const out = path.resolve(opts.out ?? path.join(home, 'partner-profiles'));
      mkdirSync(out, { recursive: true });
      const written: string[] = [];
      const skipped: string[] = [];
      for (const p of result.profiles) {
        const target = path.join(out, `${p.id}.yaml`);
        if (existsSync(target) && !opts.force) {
          skipped.push(target);
          continue;
        }
        const header = `# Imported from OpenAS2 ${path.basename(file)}. Export the certificate of alias\n# "${result.certificates.find((c) => c.partnerId === p.id)?.alias}" as PEM to the path in as2.certificate (relative to this file).\n`;
        writeFileSync(target, header + profileToYaml(p));
        written.push(target);
      }
      if (skipped.length > 0) setExit(ExitCode.invalid);
      if (opts.json) {
        io.stdout(
          `${JSON.stringify({ us: result.us ?? null, written, skipped, certificates: result.certificates, warnings: result.warnings }, null, 2)}\n`,
        );
        return;
      }
      for (const w of written) io.stdout(`wrote ${w}\n`);
      for (const s of skipped) io.stderr(`skipped ${s} (exists; --force to overwrite)\n`);
      for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
      for (const c of result.certificates)
        io.stdout(`certificate needed: alias ${c.alias} -> ${path.join(out, c.file)}\n`);
    });

  partners.addCommand(list);
  partners.addCommand(imp);
  program.addCommand(partners);
};
