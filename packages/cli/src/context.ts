import path from 'node:path';
import { Command, Option } from 'commander';

/** Exit codes every command keeps (documented in README): */
export const ExitCode = {
  /** Success; for `validate`, every input is valid. */
  ok: 0,
  /** The input was read but is invalid (or a check failed). */
  invalid: 1,
  /** The input could not be read, or the command was used wrongly. */
  unreadable: 2,
} as const;

/** Options every command accepts. */
export interface CommonOptions {
  home?: string;
  json?: boolean;
}

/**
 * The edigate home folder: `--home`, else `EDIGATE_HOME`, else the current
 * directory (ARCHITECTURE.md "Configuration: a home folder").
 */
export function resolveHome(opts: CommonOptions): string {
  return path.resolve(opts.home ?? process.env.EDIGATE_HOME ?? process.cwd());
}

/** Adds `--home <dir>` to a command (and `--json` when it prints results). */
export function withCommon(cmd: Command, { json = true }: { json?: boolean } = {}): Command {
  cmd.addOption(new Option('--home <dir>', 'edigate home folder (default: $EDIGATE_HOME, else the current directory)'));
  if (json) cmd.option('--json', 'print machine-readable JSON instead of the readable report');
  return cmd;
}

/** Thrown by a command to end with a given exit code and a message on stderr. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.unreadable,
  ) {
    super(message);
  }
}

/** Where commands write; tests hand in buffers. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => AsyncIterable<Uint8Array>;
}

export const processIo: Io = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  stdin: () => process.stdin,
};
