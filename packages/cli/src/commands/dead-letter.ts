import type { Config } from '@rum/server-kit';
import { listDeadLetters, purgeDeadLetters } from '@rum/server-kit';
import { withDatabase } from '../database.ts';
import { UsageError, parseOptions } from '../usage.ts';

/** `rum dead-letter list|purge [--project <slug>]`. */
export async function deadLetterCommand(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'list' && sub !== 'purge') {
    throw new UsageError(
      sub ? `unknown dead-letter command "${sub}"` : 'dead-letter needs a command: list or purge',
    );
  }
  const { project } = parseOptions(rest, { project: { type: 'string' } });
  if (sub === 'list') {
    for (const letter of await withDatabase(config, (pool) => listDeadLetters(pool, project)))
      process.stdout.write(`${JSON.stringify(letter)}\n`);
    return;
  }
  const purged = await withDatabase(config, (pool) => purgeDeadLetters(pool, project));
  process.stdout.write(`${JSON.stringify({ purged })}\n`);
}
