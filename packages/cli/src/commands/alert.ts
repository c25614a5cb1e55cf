import {
  alertRuleProblem,
  createAlertRule,
  deleteAlertRule,
  findProject,
  listAlertRules,
  ProjectNotFoundError,
  type AlertRuleInput,
  type Config,
} from '@rum/server-kit';
import { withDatabase } from '../database.ts';
import { UsageError, parseOptions } from '../usage.ts';

function line(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A number option as typed; NaN (refused by alertRuleProblem) when it is not one. */
function numberOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return value.trim() === '' ? NaN : Number(value);
}

/** The rule `alert create` describes, checked before anything is stored. */
export function parseAlertCreate(args: string[]): AlertRuleInput {
  const values = parseOptions(args, {
    project: { type: 'string' },
    metric: { type: 'string' },
    stat: { type: 'string', default: 'p75' },
    above: { type: 'string' },
    window: { type: 'string', default: '1h' },
    device: { type: 'string' },
    route: { type: 'string' },
    'min-samples': { type: 'string' },
    webhook: { type: 'string' },
  });
  for (const required of ['project', 'metric', 'above', 'webhook'] as const)
    if (values[required] === undefined) throw new UsageError(`alert create needs --${required}`);
  const minSamples = numberOption(values['min-samples']);
  const input: AlertRuleInput = {
    project: values.project!,
    metric: values.metric!,
    stat: values.stat!,
    above: numberOption(values.above)!,
    window: values.window!,
    webhook: values.webhook!,
    ...(values.device !== undefined ? { device: values.device } : {}),
    ...(values.route !== undefined ? { route: values.route } : {}),
    ...(minSamples !== undefined ? { minSamples } : {}),
  };
  const problem = alertRuleProblem(input);
  if (problem) throw new UsageError(problem);
  return input;
}

/** `rum alert create|list|delete`. */
export async function alertCommand(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const input = parseAlertCreate(rest);
    line(await withDatabase(config, (pool) => createAlertRule(pool, input)));
    return;
  }
  if (sub === 'list') {
    const values = parseOptions(rest, { project: { type: 'string' } });
    if (!values.project) throw new UsageError('alert list needs --project <slug>');
    const rules = await withDatabase(config, async (pool) => {
      const project = await findProject(pool, values.project!);
      if (!project) throw new ProjectNotFoundError(`project "${values.project}" does not exist`);
      return listAlertRules(pool, project.id);
    });
    for (const rule of rules) line(rule);
    return;
  }
  if (sub === 'delete') {
    const [id, ...extra] = rest;
    if (!id || extra.length > 0 || id.startsWith('-'))
      throw new UsageError('alert delete takes one rule id');
    line({ deleted: await withDatabase(config, (pool) => deleteAlertRule(pool, id)) });
    return;
  }
  throw new UsageError(
    sub ? `unknown alert command "${sub}"` : 'alert needs a command: create, list or delete',
  );
}
