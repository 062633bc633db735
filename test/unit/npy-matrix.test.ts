import { npyMatrix } from '../../domain/npy-matrix';

// The layout NumPy's format 1.0 defines (numpy.lib.format): magic, version, header length, a
// dict literal padded to a 64-byte boundary with a newline last, then the values.
describe('npyMatrix', () => {
  const rows = [
    [1.5, -0.25, null],
    [1e-12, 189.29999999999998, 3],
  ];
  const bytes = npyMatrix(rows);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint16(8, true);
  const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');

  it('writes the magic string, version 1.0 and a 64-byte aligned header naming dtype, order and shape', () => {
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    expect((10 + headerLength) % 64).toBe(0);
    expect(header.trimEnd()).toBe("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }");
    expect(header.endsWith('\n')).toBe(true);
    expect(bytes.byteLength).toBe(10 + headerLength + 6 * 8);
  });

  it('stores the values row after row, little-endian, a missing one as NaN', () => {
    const values = Array.from({ length: 6 }, (_, i) => view.getFloat64(10 + headerLength + i * 8, true));
    expect(values).toEqual([1.5, -0.25, Number.NaN, 1e-12, 189.29999999999998, 3]);
  });

  it('refuses rows of different lengths', () => {
    expect(() => npyMatrix([[1, 2], [3]])).toThrow('every row needs 2 values');
  });
});
