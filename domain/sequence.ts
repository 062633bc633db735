/** Kinesis sequence numbers are decimal strings of varying length: compare them as big integers. */
export function compareSequence(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
