import { createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as tar from 'tar';
import { parseS3Uri as parseUri, type S3Location } from '../../store/s3-uri';
import { validation } from './errors';

/** As the SageMaker API reports a bad S3 URI in a request. */
export function parseS3Uri(uri: string): S3Location {
  try {
    return parseUri(uri);
  } catch (error) {
    throw validation((error as Error).message);
  }
}

/** Downloads every object under an S3 prefix into `folder`, keeping the paths below the prefix. */
export async function downloadPrefix(s3: S3Client, uri: string, folder: string): Promise<number> {
  const { bucket, key: prefix } = parseS3Uri(uri);
  let count = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (!object.Key || object.Key.endsWith('/')) continue;
      const relative = object.Key.slice(prefix.length).replace(/^\/+/, '') || path.basename(object.Key);
      await downloadObject(s3, { bucket, key: object.Key }, path.join(folder, relative));
      count++;
    }
    token = page.NextContinuationToken;
  } while (token);
  return count;
}

export async function downloadObject(s3: S3Client, { bucket, key }: S3Location, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  await pipeline(object.Body as Readable, createWriteStream(file));
}

/** Packs a folder's contents (not the folder itself) as a .tar.gz in memory and uploads it. */
export async function uploadFolderTarGz(s3: S3Client, folder: string, uri: string): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  const entries = await readdir(folder);
  const chunks: Buffer[] = [];
  for await (const chunk of tar.create({ gzip: true, cwd: folder, portable: true }, entries))
    chunks.push(chunk as Buffer);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.concat(chunks) }));
}

export async function folderHasFiles(folder: string): Promise<boolean> {
  try {
    return (await stat(folder)).isDirectory() && (await readdir(folder)).length > 0;
  } catch {
    return false;
  }
}
