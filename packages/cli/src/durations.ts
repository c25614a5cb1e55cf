import { UsageError } from './usage.ts';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90d`, `24h`, `30m`, `45s` in ms; anything else is a {@link UsageError} naming `option`. */
export function parseDuration(option: string, text: string): number {
  const match = /^([1-9][0-9]{0,5})([smhd])$/.exec(text);
  if (!match) {
    throw new UsageError(
      `${option} must be a whole number and a unit (s, m, h or d), e.g. 30d: "${text}"`,
    );
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
