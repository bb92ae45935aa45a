// S3 through the AWS SDK for JavaScript v3: default CRC32 aws-chunked uploads (PutObject with
// a stream body, up to 100 MiB), uploads with Upload from @aws-sdk/lib-storage, and byte-exact
// downloads for 0 B, 1 B, 5 MiB +- 1 and 100 MiB. The server's endpoint and root credentials
// come from the environment (test_s3_js.py starts the server).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';

import {
  CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command,
  PutObjectCommand, S3Client, paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

const MIB = 1024 * 1024;
const client = new S3Client({
  endpoint: process.env.S3_ENDPOINT,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: {
    accessKeyId: process.env.S3_ACCESS_KEY_ID,
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY,
  },
  maxAttempts: 1,
});

function payload(size, seed) {
  const block = Buffer.alloc(64 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + seed * 17 + (i >> 8)) & 0xff;
  const out = Buffer.alloc(size);
  for (let off = 0; off < size; off += block.length) block.copy(out, off, 0, Math.min(block.length, size - off));
  return out;
}

const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const md5 = (b) => createHash('md5').update(b).digest('hex');

async function download(bucket, key) {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body.transformToByteArray());
}

// A Readable that yields `data` in uneven pieces, so the SDK cannot know the length up front.
function chunkedStream(data) {
  let off = 0;
  return new Readable({
    read() {
      if (off >= data.length) { this.push(null); return; }
      const n = Math.min(data.length - off, 100000 + (off % 7919));
      this.push(data.subarray(off, off + n));
      off += n;
    },
  });
}

test('buckets and listings', async () => {
  await client.send(new CreateBucketCommand({ Bucket: 'js-list' }));
  for (const key of ['a/1', 'a/2', 'b', 'ünï cødé']) {
    await client.send(new PutObjectCommand({ Bucket: 'js-list', Key: key, Body: key }));
  }
  const out = await client.send(new ListObjectsV2Command({ Bucket: 'js-list', Delimiter: '/' }));
  assert.deepEqual(out.CommonPrefixes.map((p) => p.Prefix), ['a/']);
  assert.deepEqual(out.Contents.map((o) => o.Key), ['b', 'ünï cødé']);
  const keys = [];
  for await (const page of paginateListObjectsV2({ client, pageSize: 1 }, { Bucket: 'js-list' })) {
    for (const o of page.Contents ?? []) keys.push(o.Key);
  }
  assert.deepEqual(keys, ['a/1', 'a/2', 'b', 'ünï cødé']);
});

test('PutObject with default checksums round-trips every size', async () => {
  await client.send(new CreateBucketCommand({ Bucket: 'js-put' }));
  for (const size of [0, 1, 5 * MIB - 1, 5 * MIB, 5 * MIB + 1]) {
    const data = payload(size, size % 251);
    const put = await client.send(new PutObjectCommand({
      Bucket: 'js-put', Key: `buf-${size}`, Body: data,
    }));
    assert.equal(put.ETag, `"${md5(data)}"`);
    assert.ok(put.ChecksumCRC32, 'the SDK sent a CRC32 and the server stored it');
    assert.equal(sha256(await download('js-put', `buf-${size}`)), sha256(data));
  }
});

test('streamed PutObject uses aws-chunked with a trailing CRC32', async () => {
  for (const size of [3 * MIB + 5, 100 * MIB]) {
    const data = payload(size, 3);
    const key = `streamed-${size}`;
    let contentSha = null;
    let encoding = null;
    let trailer = null;
    client.middlewareStack.add((next) => async (args) => {
      if (args.request.headers) {
        contentSha = args.request.headers['x-amz-content-sha256'];
        encoding = args.request.headers['content-encoding'];
        trailer = args.request.headers['x-amz-trailer'];
      }
      return next(args);
    }, { step: 'deserialize', name: 'captureStreamingHeaders' });
    let put;
    try {
      put = await client.send(new PutObjectCommand({
        Bucket: 'js-put', Key: key, Body: chunkedStream(data), ContentLength: data.length,
      }));
    } finally {
      client.middlewareStack.remove('captureStreamingHeaders');
    }
    assert.match(contentSha, /^STREAMING-/);
    assert.match(encoding, /aws-chunked/);
    assert.equal(trailer, 'x-amz-checksum-crc32');
    assert.equal(put.ETag, `"${md5(data)}"`);
    const head = await client.send(new HeadObjectCommand({
      Bucket: 'js-put', Key: key, ChecksumMode: 'ENABLED',
    }));
    assert.equal(head.ContentLength, data.length);
    assert.equal(head.ContentEncoding, undefined);
    assert.equal(head.ChecksumCRC32, put.ChecksumCRC32);
    assert.equal(sha256(await download('js-put', key)), sha256(data));
  }
});

test('lib-storage Upload round-trips 0 B, 1 B, 5 MiB +- 1 and 100 MiB', async () => {
  await client.send(new CreateBucketCommand({ Bucket: 'js-upload' }));
  for (const size of [0, 1, 5 * MIB - 1, 5 * MIB, 5 * MIB + 1, 100 * MIB]) {
    const data = payload(size, 7);
    const upload = new Upload({
      client, params: { Bucket: 'js-upload', Key: `up-${size}`, Body: chunkedStream(data) },
      partSize: 5 * MIB, queueSize: 4,
    });
    const done = await upload.done();
    if (size > 5 * MIB || /-\d+"$/.test(done.ETag)) {
      // Multipart (the SDK's choice at exactly one part): the MD5 of the parts' MD5s and the
      // part count.
      const parts = [];
      for (let off = 0; off < size; off += 5 * MIB) parts.push(data.subarray(off, off + 5 * MIB));
      const joined = Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()));
      assert.equal(done.ETag, `"${md5(joined)}-${parts.length}"`);
    } else {
      assert.equal(done.ETag, `"${md5(data)}"`);
    }
    assert.equal(sha256(await download('js-upload', `up-${size}`)), sha256(data));
  }
});

test('errors carry S3 codes', async () => {
  await assert.rejects(
    client.send(new GetObjectCommand({ Bucket: 'js-put', Key: 'missing' })),
    (e) => e.name === 'NoSuchKey' && e.$metadata.httpStatusCode === 404);
  await assert.rejects(
    client.send(new GetObjectCommand({ Bucket: 'js-nope-bucket', Key: 'k' })),
    (e) => e.name === 'NoSuchBucket');
});
