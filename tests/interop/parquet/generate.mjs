// Writes Parquet fixtures with independent writers, with the values each must hold, for the
// C++ interop test (engines/sql/formats/parquet/interop_test.cc) to read back:
//  - DuckDB: every DuckDB type that maps to flat Parquet, for every codec DuckDB writes, with
//    format v1 and v2 (v2 brings DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and
//    BYTE_STREAM_SPLIT); expected values come from DuckDB's source table, not from the file.
//  - hyparquet-writer: per-column encodings DuckDB does not write (DELTA_BYTE_ARRAY, RLE
//    booleans, BYTE_STREAM_SPLIT on integers), data page v2; expected values come from the
//    JavaScript arrays written.
//  - a BROTLI file, which the reader must refuse with a clear error.
// Usage: node generate.mjs OUTPUT_DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { doubleBits, floatBits, renderRelation } from './render.mjs';

const out = process.argv[2];
mkdirSync(out, { recursive: true });
const manifest = [];

// `expected` holds the rows itself, or names the file holding them (`values`), or says the
// file must be refused as unsupported.
function save(name, bytes, expected) {
  if (bytes) writeFileSync(join(out, `${name}.parquet`), bytes);
  writeFileSync(join(out, `${name}.json`), JSON.stringify(expected));
  manifest.push(name);
}

// ---- DuckDB -------------------------------------------------------------------------------
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run(`CREATE TABLE t AS SELECT
    i,
    CASE WHEN i % 11 = 5 THEN NULL ELSE i % 3 = 0 END AS b,
    (i % 256 - 128)::TINYINT AS i8,
    ((i * 37) % 65536 - 32768)::SMALLINT AS i16,
    (CASE WHEN i = 0 THEN -2147483648 WHEN i = 1 THEN 2147483647
          ELSE (i * 7919) % 2000000 - 1000000 END)::INTEGER AS i32,
    (CASE WHEN i = 0 THEN -9223372036854775808 WHEN i = 1 THEN 9223372036854775807
          WHEN i % 13 = 4 THEN NULL ELSE i * 1000000007 END)::BIGINT AS i64,
    (i % 256)::UTINYINT AS u8,
    ((i * 13) % 65536)::USMALLINT AS u16,
    (CASE WHEN i = 0 THEN 4294967295 ELSE (i * 100003) % 4294967296 END)::UINTEGER AS u32,
    (CASE WHEN i = 0 THEN 18446744073709551615 ELSE i * 1000000007 END)::UBIGINT AS u64,
    (CASE WHEN i % 17 = 3 THEN NULL WHEN i = 2 THEN 'inf' WHEN i = 4 THEN 'nan'
          WHEN i = 5 THEN '-0.0' WHEN i = 6 THEN '3.4028235e38' WHEN i = 7 THEN '1e-45'
          ELSE (i / 7.0)::VARCHAR END)::FLOAT AS f32,
    (CASE WHEN i % 19 = 3 THEN NULL WHEN i = 2 THEN '-inf' WHEN i = 4 THEN 'nan'
          WHEN i = 5 THEN '-0.0' WHEN i = 6 THEN '1.7976931348623157e308'
          WHEN i = 7 THEN '5e-324' ELSE (i / 3.0 - 100)::VARCHAR END)::DOUBLE AS f64,
    ((i % 10000 - 5000) / 100)::DECIMAL(4, 2) AS dec4,
    CASE WHEN i = 0 THEN '999999.999'::DECIMAL(9, 3) WHEN i = 1 THEN '-999999.999'::DECIMAL(9, 3)
         ELSE ((i * 7 - 9000) / 1000)::DECIMAL(9, 3) END AS dec9,
    CASE WHEN i = 0 THEN '999999999999.999999'::DECIMAL(18, 6) WHEN i % 23 = 1 THEN NULL
         ELSE ((i * 1234567 - 999999) / 1000000)::DECIMAL(18, 6) END AS dec18,
    CASE WHEN i = 0 THEN '9999999999999999999999999999.9999999999'::DECIMAL(38, 10)
         WHEN i = 1 THEN '-9999999999999999999999999999.9999999999'::DECIMAL(38, 10)
         ELSE (i::DECIMAL(38, 10) * 12345.6789012345 - 7) END AS dec38,
    CASE WHEN i % 9 = 2 THEN NULL WHEN i % 9 = 3 THEN ''
         ELSE 'v' || (i % 50) || CASE WHEN i % 5 = 0 THEN '日本語' ELSE '' END END AS s,
    'unique-' || i || repeat('x', i % 40) AS s_unique,
    ('\\x00\\xff' || (i % 20))::BLOB AS blob,
    CASE WHEN i % 7 = 6 THEN NULL ELSE DATE '1970-01-01' + ((i * 37) % 80000 - 40000)::INTEGER END AS d,
    make_timestamp((i - 2500) * 98765432101) AS ts,
    make_timestamp((i - 2500) * 98765432000)::TIMESTAMP_MS AS ts_ms,
    make_timestamp_ns((i - 2500) * 98765432101123) AS ts_ns,
    make_timestamp((i - 2500) * 12345678901)::TIMESTAMPTZ AS tstz,
    TIME '00:00:00' + to_microseconds((i * 1000003) % 86400000000) AS tm,
    CASE WHEN i % 5 = 1 THEN NULL ELSE uuid() END AS id,
    (['red', 'green', 'blue'])[i % 3 + 1]::ENUM('red', 'green', 'blue') AS color
  FROM range(5000) r(i)`);
writeFileSync(join(out, 'duckdb_values.json'), JSON.stringify(await renderRelation(db, 't', 'i')));

const codecs = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4_raw'];
for (const version of ['v1', 'v2']) {
  for (const codec of codecs) {
    const name = `duckdb_${version}_${codec}`;
    const path = join(out, `${name}.parquet`);
    await db.run(`COPY (SELECT * FROM t ORDER BY i) TO '${path}' (FORMAT parquet,
        COMPRESSION ${codec}, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 2048)`);
    save(name, null, { writer: `duckdb ${version} ${codec}`, values: 'duckdb_values.json' });
  }
}
await db.run(`COPY (SELECT i FROM t) TO '${join(out, 'duckdb_brotli.parquet')}'
    (FORMAT parquet, COMPRESSION brotli)`);
save('duckdb_brotli', null, { writer: 'duckdb brotli', unsupported: 'BROTLI' });

// ---- hyparquet-writer ---------------------------------------------------------------------
const n = 2500;
const pick = (i, v) => (i % 10 === 7 ? null : v);
const words = ['apple', 'applesauce', 'application', 'apply', 'banana', 'band', 'bandana', ''];
const columns = [
  { name: 'i32_delta', type: 'INT32', encoding: 'DELTA_BINARY_PACKED',
    data: Array.from({ length: n }, (_, i) => pick(i, i === 0 ? -2147483648 : i === 1 ? 2147483647 : (i * 7919) % 100000 - 50000)),
    render: v => String(v) },
  { name: 'i64_delta', type: 'INT64', encoding: 'DELTA_BINARY_PACKED',
    data: Array.from({ length: n }, (_, i) => pick(i, i === 0 ? -(2n ** 63n) : i === 1 ? 2n ** 63n - 1n : BigInt(i) * 1000000007n - 5n)),
    render: v => String(v) },
  { name: 's_dlba', type: 'STRING', encoding: 'DELTA_LENGTH_BYTE_ARRAY',
    data: Array.from({ length: n }, (_, i) => pick(i, 'value ' + i + '✓'.repeat(i % 4))),
    render: v => v },
  { name: 's_dba', type: 'STRING', encoding: 'DELTA_BYTE_ARRAY',
    data: Array.from({ length: n }, (_, i) => pick(i, words[i % words.length] + (i % 3 ? String(i) : ''))),
    render: v => v },
  { name: 'f_bss', type: 'FLOAT', encoding: 'BYTE_STREAM_SPLIT',
    data: Array.from({ length: n }, (_, i) => pick(i, i === 2 ? NaN : i === 3 ? -0 : i === 4 ? Infinity : Math.fround(i / 7))),
    render: floatBits },
  { name: 'd_bss', type: 'DOUBLE', encoding: 'BYTE_STREAM_SPLIT',
    data: Array.from({ length: n }, (_, i) => pick(i, i === 2 ? NaN : i === 3 ? -0 : i / 3 - 1e10)),
    render: doubleBits },
  { name: 'i32_bss', type: 'INT32', encoding: 'BYTE_STREAM_SPLIT',
    data: Array.from({ length: n }, (_, i) => pick(i, (i * 104729) % 2000003 - 1000000)),
    render: v => String(v) },
  { name: 'i64_bss', type: 'INT64', encoding: 'BYTE_STREAM_SPLIT',
    data: Array.from({ length: n }, (_, i) => pick(i, BigInt(i) * -99999999999n)),
    render: v => String(v) },
  { name: 'b_rle', type: 'BOOLEAN', encoding: 'RLE',
    data: Array.from({ length: n }, (_, i) => pick(i, i % 100 < 60 || i % 3 === 0)),
    render: v => String(v) },
  { name: 'b_plain', type: 'BOOLEAN', encoding: 'PLAIN',
    data: Array.from({ length: n }, (_, i) => pick(i, i % 2 === 0)),
    render: v => String(v) },
  { name: 's_dict', type: 'STRING',
    data: Array.from({ length: n }, (_, i) => pick(i, words[i % 5])),
    render: v => v },
  { name: 'f16', type: 'FLOAT16',
    data: Array.from({ length: n }, (_, i) => pick(i, (i % 4000 - 2000) / 4)),
    render: v => floatBits(v) },
  { name: 'ts', type: 'TIMESTAMP',
    data: Array.from({ length: n }, (_, i) => pick(i, new Date((i - 1000) * 86400123))),
    render: v => String(v.getTime()) },
  { name: 'json', type: 'JSON',
    data: Array.from({ length: n }, (_, i) => pick(i, { k: i, s: 'x'.repeat(i % 3) })),
    render: v => JSON.stringify(v) },
];
for (const codec of ['SNAPPY', 'UNCOMPRESSED']) {
  const bytes = parquetWriteBuffer({
    columnData: columns.map(({ name, type, encoding, data }) => ({ name, type, encoding, data })),
    codec,
    rowGroupSize: 1000,
    pageSize: 4096,
  });
  const rows = Array.from({ length: n }, (_, i) =>
    columns.map(c => (c.data[i] === null ? null : c.render(c.data[i]))));
  const encodings = Object.fromEntries(columns.filter(c => c.encoding).map(c => [c.name, c.encoding]));
  save(`hyparquet_${codec.toLowerCase()}`, new Uint8Array(bytes), {
    writer: `hyparquet-writer ${codec}`, columns: columns.map(c => c.name), rows, encodings,
  });
}

writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest));
console.log(`wrote ${manifest.length} fixtures to ${out}`);
