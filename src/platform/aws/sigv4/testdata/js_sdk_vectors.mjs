// Regenerates js_sdk_vectors.txt: requests signed by the AWS SDK for JavaScript v3 at a fixed time.
//   npm install @aws-sdk/client-s3 @aws-sdk/s3-request-presigner @aws-sdk/client-iam @aws-sdk/client-glue
//   node js_sdk_vectors.mjs > js_sdk_vectors.txt   (then restore the comment lines at the top)
// Random or machine-dependent values (amz-sdk-invocation-id, user-agent) are whatever the SDK
// sends; the vectors hold the ones of the run they came from.
import { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { IAMClient, ListUsersCommand } from "@aws-sdk/client-iam";
import { GlueClient, GetDatabasesCommand } from "@aws-sdk/client-glue";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

// What the SDK's HTTP handler puts on the wire (@smithy/querystring-builder).
const escapeUri = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
function buildQueryString(query) {
  const parts = [];
  for (const key of Object.keys(query).sort()) {
    const values = Array.isArray(query[key]) ? query[key] : [query[key]];
    for (const v of values) parts.push(v === null ? escapeUri(key) : `${escapeUri(key)}=${escapeUri(v)}`);
  }
  return parts.join("&");
}

// The SDK signs with the current time; pin it.
const FIXED = Date.UTC(2024, 2, 9, 14, 5, 7);
const RealDate = Date;
class FakeDate extends RealDate {
  constructor(...a) { if (a.length === 0) super(FIXED); else super(...a); }
  static now() { return FIXED; }
}
globalThis.Date = FakeDate;

const credentials = { accessKeyId: "AKIAUNISTUDIOTEST01", secretAccessKey: "uS3cr3t/Key+With/Slashes0123456789abcdEF" };
class Stop extends Error {}
async function bodyText(body) {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("latin1");
  const chunks = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString("latin1");
}
function handler(name) {
  return {
    async handle(request) {
      const q = buildQueryString(request.query || {});
      console.log(`=== ${name}`);
      console.log(`${request.method} ${request.path}${q ? "?" + q : ""} HTTP/1.1`);
      for (const [k, v] of Object.entries(request.headers)) console.log(`${k}:${v}`);
      console.log("");
      const b = await bodyText(request.body);
      if (b) console.log(b);
      throw new Stop();
    },
  };
}
// Sends `cmd` as far as the HTTP handler, which prints the request and stops it there.
async function run(name, client, cmd) {
  try {
    await client.send(cmd);
  } catch (e) {
    if (!(e instanceof Stop)) console.error(name, e);
  }
}
const ep = "http://localhost:8750";
const s3 = (name, extra = {}) => new S3Client({ region: "us-east-1", endpoint: ep, forcePathStyle: true, credentials, requestHandler: handler(name), maxAttempts: 1, ...extra });
await run("js-s3-put-object", s3("js-s3-put-object"), new PutObjectCommand({ Bucket: "my-bucket", Key: "docs/résumé 2024.txt", Body: "hello from js", ContentType: "text/plain", Metadata: { team: "data" } }));
await run("js-s3-get-object", s3("js-s3-get-object"), new GetObjectCommand({ Bucket: "my-bucket", Key: "a b/c+d.txt", Range: "bytes=0-9" }));
await run("js-s3-list-objects-v2", s3("js-s3-list-objects-v2"), new ListObjectsV2Command({ Bucket: "my-bucket", Prefix: "logs/2024 03/", Delimiter: "/" }));
await run("js-iam-list-users", new IAMClient({ region: "us-east-1", endpoint: ep, credentials, requestHandler: handler("js-iam-list-users"), maxAttempts: 1 }), new ListUsersCommand({ PathPrefix: "/eng/" }));
await run("js-glue-get-databases", new GlueClient({ region: "us-east-1", endpoint: ep, credentials, requestHandler: handler("js-glue-get-databases"), maxAttempts: 1 }), new GetDatabasesCommand({ MaxResults: 10 }));
const presigner = new S3Client({ region: "us-east-1", endpoint: ep, forcePathStyle: true, credentials });
const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: "my-bucket", Key: "photos/cat pic.jpg" }), { expiresIn: 600 });
const parsed = new URL(url);
console.log("=== js-s3-presigned-get-object");
console.log(`GET ${parsed.pathname}${parsed.search} HTTP/1.1`);
console.log(`host:${parsed.host}`);
console.log("");
