import type { AssessmentResponse } from '@rum/contract';
import { apiGet } from '../../../lib/api-client.ts';
import { useProjectQuery } from '../../../lib/use-project-query.ts';
import type { Session } from '../../../lib/session.ts';

/**
 * The Core Web Vitals assessment of the last 28 days per form factor, of the whole project or
 * of one page or route (`page` takes either). It has its own window, so the range and the
 * other filters do not apply.
 */
export function getAssessment(
  session: Session,
  page: string | undefined,
  signal?: AbortSignal,
): Promise<AssessmentResponse> {
  return apiGet<AssessmentResponse>(session, 'assessment', { page }, signal);
}

export function useAssessment(page: string | undefined) {
  return useProjectQuery('assessment', [page ?? null], (session, signal) =>
    getAssessment(session, page, signal),
  );
}
