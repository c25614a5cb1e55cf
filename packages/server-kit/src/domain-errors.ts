/** Failures a command reports as `rum: <message>` with exit code 1 (bad arguments are a `UsageError`). */
export class ProjectExistsError extends Error {
  override name = 'ProjectExistsError';
}

export class ProjectNotFoundError extends Error {
  override name = 'ProjectNotFoundError';
}

export class TokenNotFoundError extends Error {
  override name = 'TokenNotFoundError';
}

export class AlertRuleNotFoundError extends Error {
  override name = 'AlertRuleNotFoundError';
}
