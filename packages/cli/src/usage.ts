import { parseArgs, type ParseArgsConfig } from 'node:util';

export const USAGE = `Usage: rum <command>

Commands:
  migrate                                  apply the pending db/migrations (DATABASE_URL or the embedded TimescaleDB);
                                           prints {"applied","ms"} per migration
  migrate status                           print {"applied":[…],"pending":[…]}
  project create --name <slug> [--display-name <text>] [--domain <host>]... [--origin <url>]... [--rate-limit <per-minute>] [--ttl 90d]
                                           create a project; prints {"project","ingestKey","readToken"}
  project list                             list projects as JSON lines
  project rotate-key <slug> [--grace 24h]  new ingest key; the old one works until the grace ends
                                           prints {"project","ingestKey","previousKeysExpireAt"}
  project routes set <slug> [<pattern>]... route templates tried before the automatic ones
                                           (e.g. '/products/:slug' '/docs/*'); none: automatic only.
                                           Applies to pages already stored; prints {"project","patterns","pagesRetemplated"}
  project routes list <slug>               the patterns and the routes of stored pages, as JSON
  token create --project <slug> [--ttl 90d] [--name <text>]
                                           new read token; prints {"id","token","project","expiresAt"}
  token list --project <slug>              the project's read tokens as JSON lines (never the tokens)
  token revoke <id>                        the token stops working everywhere within seconds
  alert create --project <slug> --metric <LCP|INP|CLS|FCP|TTFB|FID> --above <n> --webhook <url>
         [--stat p75|poor-share] [--window 5m|15m|30m|1h|6h|24h] [--device mobile|tablet|desktop]
         [--route <path or template>] [--min-samples 100]
                                           a rule the workers evaluate every minute: it fires after 2 breaching
                                           evaluations and resolves after 2 good ones (default stat p75, window 1h;
                                           p75 in ms, CLS unitless, poor-share a fraction 0-1); prints the rule
                                           with its signing "secret" (shown once)
  alert list --project <slug>              the project's rules and their state, as JSON lines
  alert delete <id>                        delete a rule; nothing of it is sent afterwards
  dead-letter list [--project <slug>]      beacons the workers could not store, as JSON lines
  dead-letter purge [--project <slug>]     remove them; prints {"purged":n}
  db                                       serve the embedded TimescaleDB until Ctrl-C
  start                                    run the whole product (database, services, dashboard, demo)
  simulate [--events <n> | --minutes <m>]  send synthetic traffic to the ingest API
  simulate --regress LCP|INP|CLS [--project demo] [--minutes 20]
                                           watch an alert fire and resolve: creates a rule (p75 on phones over 5m)
                                           with a webhook receiver of its own, ships a release whose phones are 3x
                                           slower until the rule fires, then a fix until it resolves; deletes the rule
                                           and prints a summary (needs \`npm start\`; about 5 minutes)
  simulate --history <N>d [--per-day <n>]  fill the demo project's last N days (1d to 90d) through the running
                                           workers, then refresh the rollups (needs \`npm start\`)
`;

/** Bad arguments: usage on stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Named options only (`node:util` parseArgs, strict); a bad or unknown one is a UsageError. */
export function parseOptions<const T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, strict: true, options }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
