/** The limit/total/available fields that AccountResponse and DomainResponse carry (vmlimit, vmtotal, vmavailable, …). */
import type { FieldType } from './define.js';
import { RESOURCE_TYPES } from '../../services/limits/resource-types.js';

/** Limits and availability are strings ("Unlimited" or a number), totals numbers; secondary storage total is a float. */
export const LIMIT_FIELDS: Record<string, FieldType> = Object.fromEntries(
  RESOURCE_TYPES.flatMap((t) => [
    [`${t.field}limit`, 'string'],
    [`${t.field}total`, t.name === 'secondary_storage' ? 'float' : 'long'],
    [`${t.field}available`, 'string'],
  ]),
) as Record<string, FieldType>;
