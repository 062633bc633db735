import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToAttr } from '@aws-sdk/util-dynamodb';

const NESTED = { removeUndefinedValues: true } as const;

/**
 * An item as DynamoDB attribute values, for the low-level client. The hot items (a bar, its
 * series' progress) are flat strings and numbers: converting those here takes about a third off
 * the SDK's CPU for a write (bench/RESULTS.md, "This run"); anything else (a list, a map, a
 * number the SDK refuses) goes through the SDK's own converter, with its checks and errors.
 * Undefined attributes are left out, as the document client is configured to do.
 */
export function attributeMap(item: object): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    out[name] =
      typeof value === 'string'
        ? { S: value }
        : typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER
          ? { N: String(value) }
          : convertToAttr(value, NESTED);
  }
  return out;
}
