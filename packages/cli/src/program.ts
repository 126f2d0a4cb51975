import { Command, CommanderError } from 'commander';
import { CliError, ExitCode, processIo, type Io } from './context.js';
import { registerValidate } from './commands/validate.js';
import { registerServe } from './commands/serve.js';
import { registerCerts } from './commands/certs.js';
import { registerPartners } from './commands/partners.js';
import { registerSend } from './commands/send.js';
import { registerIngest } from './commands/ingest.js';
import { registerLedger } from './commands/ledger.js';
import { registerMaps } from './commands/maps.js';
import { registerTranslate } from './commands/translate.js';
import { registerAck } from './commands/ack.js';

/** Each command module adds its commands to the program; an exit code comes back through `setExit`. */
export type Register = (program: Command, io: Io, setExit: (code: number) => void) => void;

const registrations: Register[] = [
  registerValidate,
  registerServe,
  registerCerts,
  registerPartners,
  registerSend,
  registerIngest,
  registerLedger,
  registerTranslate,
  registerMaps,
  registerAck,
];

/** Builds the `edigate` program. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('edigate')
    .description('edigate — EDI gateway: AS2, X12, EDIFACT, control-number ledger, partner maps')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const register of registrations) register(program, io, setExit);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram(io, (c) => {
    code = Math.max(code, c);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version end with exitCode 0; usage errors are exit 2.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.unreadable;
    }
    if (err instanceof CliError) {
      io.stderr(`edigate: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr(`edigate: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.unreadable;
  }
}
