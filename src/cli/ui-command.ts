// `corskit ui`: the local web app (check, what-if, policy builder, HAR, audit) on a loopback port.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { UsageError } from '../doctor/usage.js';
import { startUiServer } from '../ui/server/server.js';
import { positive } from './options.js';

/** Opens a URL in the desktop's browser; failure only prints the URL again. */
function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`corskit: could not open a browser; visit ${url}\n`));
    child.unref();
  } catch {
    process.stderr.write(`corskit: could not open a browser; visit ${url}\n`);
  }
}

export function addUiCommand(program: Command): void {
  program
    .command('ui')
    .description('serve the corskit web app on loopback: check, what-if, policy builder, HAR and audit views')
    .option('--port <n>', 'port to listen on (0 picks a free one)', positiveOrZero, 0)
    .option('--host <address>', 'loopback address to listen on (127.0.0.1, ::1 or localhost)', '127.0.0.1')
    .option('--open', "open the app in the desktop's browser")
    .action(async (opts: { port: number; host: string; open?: boolean }) => {
      const server = await startUiServer({ host: opts.host, port: opts.port });
      process.stdout.write(
        `corskit ui: ${server.url}\n  Only this machine can reach it; its API needs the token the page carries. Ctrl-C stops it.\n`,
      );
      if (opts.open === true) openInBrowser(server.url);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          server.close().then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

function positiveOrZero(value: string): number {
  if (value === '0') return 0;
  const n = positive('--port', true)(value);
  if (n > 65535) throw new UsageError(`--port "${value}" must be a port number from 0 to 65535`);
  return n;
}
