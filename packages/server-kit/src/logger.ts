import { pino, type Logger } from 'pino';

export type { Logger };

/** pino logger; human-readable when stdout is a terminal, JSON lines otherwise. */
export function createLogger(name: string, level = 'info'): Logger {
  const pretty = process.stdout.isTTY === true;
  return pino({
    name,
    level,
    ...(pretty
      ? {
          transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } },
        }
      : {}),
  });
}
