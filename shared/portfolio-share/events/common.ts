import { z } from 'zod';

/** Who a share is with, as the share's emitted events report it. */
export const shareTargetOut = z.object({ accountId: z.string().optional(), organizationNode: z.object({ type: z.string(), value: z.string() }).optional() });
