/**
 * What a ticker symbol may be, without zod: the workflow bundle checks symbols too, and every
 * workflow instance evaluates the bundle's modules afresh, so a schema library there would be
 * built again for each cached workflow (memory and start-up time per ticker).
 */
export const TICKER_PATTERN = /^[A-Z][A-Z0-9.-]{0,9}$/;
export const TICKER_RULE = 'ticker must be 1-10 upper-case letters, digits, "." or "-", starting with a letter';

/** Why `ticker` is not a valid symbol, or undefined when it is. */
export function tickerProblem(ticker: unknown): string | undefined {
  return typeof ticker === 'string' && TICKER_PATTERN.test(ticker) ? undefined : TICKER_RULE;
}
