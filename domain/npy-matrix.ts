/**
 * Rows of numbers as a NumPy `.npy` file (format 1.0: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * float64, little-endian, C order, a missing value as NaN (what XGBoost reads as missing). The
 * model's container loads it with np.load, no parsing: a CSV body of 2,000 feature rows cost
 * the worker ~4 ms to write and the container ~8 ms to parse (bench/RESULTS.md, "This run").
 */
export function npyMatrix(rows: readonly (readonly (number | null)[])[]): Uint8Array {
  const columns = rows[0]?.length ?? 0;
  if (rows.some((row) => row.length !== columns))
    throw new RangeError(`every row needs ${columns} values: a matrix's rows have one length`);
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows.length}, ${columns}), }`;
  // Magic (6), version (2) and header length (2), then the header, padded with spaces and ended by
  // a newline so that the data starts on a 64-byte boundary, as NumPy writes it.
  const preamble = 10;
  const headerLength = Math.ceil((preamble + dict.length + 1) / 64) * 64 - preamble;
  const bytes = new Uint8Array(preamble + headerLength + rows.length * columns * 8);
  const view = new DataView(bytes.buffer);
  bytes.set([0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0]);
  view.setUint16(8, headerLength, true);
  bytes.set(Buffer.from(dict.padEnd(headerLength - 1, ' ') + '\n', 'latin1'), preamble);
  let offset = preamble + headerLength;
  for (const row of rows)
    for (const value of row) {
      view.setFloat64(offset, value ?? Number.NaN, true);
      offset += 8;
    }
  return bytes;
}
