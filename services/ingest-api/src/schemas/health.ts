import { errorResponseSchema } from './error.ts';

export const healthSchema = {
  summary: 'Ready when Redis answers PING',
  response: {
    200: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
    },
    503: errorResponseSchema,
  },
} as const;
