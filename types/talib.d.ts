// The parts of npm `talib` (TA-Lib's C library behind a Node addon) the indicator benchmark calls.
declare module 'talib' {
  export interface ExecuteResult {
    begIndex: number;
    nbElement: number;
    result: Record<string, number[]>;
  }
  export const version: string;
  export function execute(params: {
    name: string;
    startIdx: number;
    endIdx: number;
    [input: string]: unknown;
  }): ExecuteResult;
}
