import { type AcceptedBeacon } from '@rum/contract';
import { beaconContext, beaconSchema, StorableJoi as Joi } from '@rum/contract/schema';

/**
 * Most beacons one job may hold. ingest-api micro-batches far fewer; a bigger job is a bug or
 * a forgery and would hold the database's single writer for too long.
 */
export const MAX_BEACONS_PER_JOB = 1000;

const acceptedBeaconSchema = Joi.object<AcceptedBeacon>({
  projectId: Joi.number().integer().min(1).required(),
  project: Joi.string().min(1).max(63).required(),
  receivedAt: Joi.number().integer().min(0).required(),
  userAgent: Joi.string().allow('').max(2048),
  country: Joi.string().allow('').max(8),
  beacon: beaconSchema.required(),
}).options({ abortEarly: true, convert: false });

const jobShape = Joi.object({
  beacons: Joi.array().min(1).max(MAX_BEACONS_PER_JOB).required(),
}).options({ abortEarly: true, convert: false });

/** A job whose data is not a job at all: retrying it is pointless, so it fails at once. */
export class MalformedJobError extends Error {
  override name = 'MalformedJobError';
}

/** One beacon of a job that does not pass the wire contract, with the first problem found. */
export interface RejectedBeacon {
  index: number;
  reason: string;
  data: unknown;
}

export interface ParsedJob {
  /** The beacons that pass the contract (checked against the time they were received), with their position. */
  beacons: { index: number; accepted: AcceptedBeacon }[];
  rejected: RejectedBeacon[];
}

/**
 * The job's beacons checked one by one against the wire contract (the same joi schema ingest
 * validated them with, each against its own `receivedAt`), so one bad beacon is set aside
 * instead of taking the others with it. A job that is not `{ beacons: [...] }` throws a
 * {@link MalformedJobError}.
 */
export function parseCollectJob(data: unknown): ParsedJob {
  const shape = jobShape.validate(data);
  if (shape.error) throw new MalformedJobError(`malformed collect job: ${shape.error.message}`);
  const parsed: ParsedJob = { beacons: [], rejected: [] };
  (data as { beacons: unknown[] }).beacons.forEach((item, index) => {
    const receivedAt = (item as { receivedAt?: unknown } | null)?.receivedAt;
    const { value, error } = acceptedBeaconSchema.validate(item, {
      context: beaconContext(typeof receivedAt === 'number' ? receivedAt : Date.now()),
    });
    if (error)
      parsed.rejected.push({ index, reason: `beacon ${index}: ${error.message}`, data: item });
    else parsed.beacons.push({ index, accepted: value });
  });
  return parsed;
}
