/** A series' identity in maps and as its DynamoDB key: ticker and interval. */
export const seriesKey = (ticker: string, interval: string): string => `${ticker}#${interval}`;
