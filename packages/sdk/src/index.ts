/** The npm entry of the RUM SDK: `import { init } from '@rum/sdk'`. */
export { init } from './lib/init.ts';
export type { Options, BeforeSend, Attribution } from './lib/types.ts';
export type {
  Beacon,
  BeaconEvent,
  BeaconError,
  BeaconDevice,
  BeaconConnection,
  MetricName,
  Rating,
} from '@rum/contract';
