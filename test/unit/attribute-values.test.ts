import { marshall } from '@aws-sdk/util-dynamodb';
import { attributeMap } from '../../store/attribute-values';

// The SDK's own marshaller, as the document client calls it, is the reference.
const reference = (item: object) => marshall(item, { removeUndefinedValues: true });

describe('attributeMap', () => {
  it('converts a flat item as the SDK does, leaving undefined attributes out', () => {
    const item = {
      pk: 'AAPL#1m',
      t: 1_764_858_600_000,
      c: 189.29999999999998,
      tiny: 1.2e-7,
      negative: -0.000123456789,
      seq: '49650000000000000000000000000000000000000000000000000001',
      empty: '',
      gone: undefined,
    };
    expect(attributeMap(item)).toEqual(reference(item));
    expect(attributeMap(item)).not.toHaveProperty('gone');
  });

  it('leaves nested values, booleans and null to the SDK', () => {
    const item = {
      pk: 'k',
      levels: [0.1, 0.5, 0.9],
      forecast: { horizon: 5, closes: [99.5, null], note: undefined },
      flag: true,
      none: null,
    };
    expect(attributeMap(item)).toEqual(reference(item));
  });

  it("refuses what the SDK refuses, with the SDK's error", () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2]) {
      const refused = (() => {
        try {
          reference({ value });
        } catch (error) {
          return (error as Error).message;
        }
        throw new Error(`the SDK took ${value}`);
      })();
      expect(() => attributeMap({ value })).toThrow(refused);
    }
  });
});
