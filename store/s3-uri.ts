export interface S3Location {
  bucket: string;
  key: string;
}

/** "s3://bucket/key" → { bucket, key }. */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new RangeError(`"${uri}" is not an S3 URI (s3://bucket/key)`);
  return { bucket: match[1]!, key: match[2]! };
}
