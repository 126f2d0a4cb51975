import { startGateway } from '@edigate/gateway';
import { Command } from 'commander';
import { CliError, ExitCode, resolveHome, withCommon, type CommonOptions } from '../context.js';
import type { Register } from '../program.js';

interface ServeOptions extends CommonOptions {
  port?: string;
  host?: string;
}

/** `edigate serve [--home <dir>] [--port <port>]` — runs the gateway until SIGINT/SIGTERM. */
export const registerServe: Register = (program, io) => {
  const cmd = new Command('serve').description('serve the AS2 endpoint (POST /as2) and /healthz for a home folder');
  withCommon(cmd, { json: false })
    .option('--port <port>', 'TCP port (overrides edigate.yaml http.port and PORT; 0 = any free port)')
    .option('--host <host>', 'address to listen on (default 0.0.0.0)')
    .action(async (opts: ServeOptions) => {
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
        throw new CliError(`not a port: ${opts.port}`, ExitCode.unreadable);
      let gateway;
      try {
        gateway = await startGateway({
          home: resolveHome(opts),
          ...(port !== undefined ? { port } : {}),
          ...(opts.host ? { host: opts.host } : {}),
        });
      } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err), ExitCode.unreadable);
      }
      io.stderr(
        `edigate: serving ${gateway.config.as2.id} on port ${gateway.port} (POST /as2, GET /healthz); Ctrl-C to stop\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          gateway.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
  program.addCommand(cmd);
};
