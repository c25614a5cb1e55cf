/**
 * Delivers one state change to its rule's webhook: a signed JSON POST carrying the event id as
 * the idempotency key. A failure (network, timeout, non-2xx) throws, and the delivery queue
 * retries with backoff until {@link ALERT_DELIVERY_RETRY_MS} after the event; then the event is
 * marked failed. An event whose rule was deleted is never sent.
 *
 * At least once: a process that dies after the receiver answered but before the event is marked
 * delivered sends it again, with the same Idempotency-Key, which is how a receiver tells.
 */
import { ALERT_DELIVERY_RETRY_MS, IDEMPOTENCY_KEY_HEADER, SIGNATURE_HEADER } from '@rum/contract';
import type { Pool } from '@rum/server-kit';
import { loadNotification, notificationOf, signatureOf } from './notification.ts';

/** How long one webhook request may take. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export type DeliveryOutcome = 'delivered' | 'already-delivered' | 'rule-deleted' | 'expired';

export async function deliverAlertEvent(
  pool: Pool,
  eventId: string,
  dashboardUrl: string,
  now: number = Date.now(),
): Promise<DeliveryOutcome> {
  const row = await loadNotification(pool, eventId);
  if (!row) return 'rule-deleted';
  if (row.delivered_at) return 'already-delivered';
  if (row.failed_at) return 'expired';
  if (now - row.at.getTime() > ALERT_DELIVERY_RETRY_MS) {
    await pool.query('UPDATE alert_events SET failed_at = now() WHERE id = $1', [eventId]);
    return 'expired';
  }
  const body = JSON.stringify(notificationOf(row, dashboardUrl));
  let problem: string | null = null;
  try {
    const response = await fetch(row.webhook_url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'rum-alerts',
        [IDEMPOTENCY_KEY_HEADER]: row.event_id,
        [SIGNATURE_HEADER]: signatureOf(row.secret, body),
      },
      body,
      // A redirect could carry the signed body somewhere the rule does not name.
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299)
      problem = `the webhook answered ${response.status}`;
  } catch (err) {
    problem = `the webhook could not be reached: ${(err as Error).message}`;
  }
  await pool.query(
    `UPDATE alert_events
        SET attempts = attempts + 1, last_error = $2,
            delivered_at = CASE WHEN $2::text IS NULL THEN now() ELSE delivered_at END
      WHERE id = $1`,
    [eventId, problem],
  );
  if (problem) throw new Error(problem);
  return 'delivered';
}
