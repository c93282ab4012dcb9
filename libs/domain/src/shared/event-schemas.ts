import { z } from 'zod';

/** Schema pieces shared by the domains' event codecs. */

/** An ISO-8601 instant as the deciders stamp it (the command's time): as-of replays and notices parse it. */
export const instant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { error: 'not an ISO-8601 instant' });
