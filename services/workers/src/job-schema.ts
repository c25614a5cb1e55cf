import Joi from 'joi';
import { beaconSchema, type CollectJob } from '@rum/shared';

/**
 * Most beacons one job may hold. ingest-api micro-batches far fewer; a bigger job is a bug or
 * a forgery and would hold the database's single writer for too long.
 */
export const MAX_BEACONS_PER_JOB = 1000;

const acceptedBeacon = Joi.object({
  projectId: Joi.number().integer().min(1).required(),
  project: Joi.string().min(1).max(63).required(),
  receivedAt: Joi.number().integer().min(0).required(),
  userAgent: Joi.string().allow('').max(2048),
  country: Joi.string().allow('').max(8),
  beacon: beaconSchema.required(),
});

const collectJobSchema = Joi.object<CollectJob>({
  beacons: Joi.array().items(acceptedBeacon).min(1).max(MAX_BEACONS_PER_JOB).required(),
}).options({ abortEarly: true, convert: false });

/** A job whose data can never be stored: retrying it is pointless, so it fails at once. */
export class MalformedJobError extends Error {
  override name = 'MalformedJobError';
}

/** The job's data checked against the wire contract, or a {@link MalformedJobError} naming the first problem. */
export function parseCollectJob(data: unknown): CollectJob {
  const { value, error } = collectJobSchema.validate(data);
  if (error) throw new MalformedJobError(`malformed collect job: ${error.message}`);
  return value;
}
