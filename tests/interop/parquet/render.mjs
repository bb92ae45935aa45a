// Canonical text for values, shared by the fixture generator and the reader script, and
// mirrored by the C++ interop test: integers and decimals as DuckDB prints them, unsigned
// 64-bit integers unsigned, floats as the hex of their IEEE bits ("nan" for any NaN), dates as
// days since 1970-01-01, timestamps as integers in their own unit since the epoch (INT96
// becomes microseconds), times as microseconds since midnight, strings as themselves, other
// byte arrays (BLOB, UUID) as lower-case hex, nulls as null.

export function floatBits(x) {
  if (Number.isNaN(x)) return 'nan';
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, x);
  return b.getUint32(0).toString(16).padStart(8, '0');
}

export function doubleBits(x) {
  if (Number.isNaN(x)) return 'nan';
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  return b.getBigUint64(0).toString(16).padStart(16, '0');
}

// The SQL expression rendering column `name` of DuckDB type `type` (floats are rendered in
// JavaScript from the raw value).
function renderSql(name, type) {
  const c = `"${name.replaceAll('"', '""')}"`;
  if (type === 'FLOAT' || type === 'DOUBLE') return c;
  if (type === 'BLOB') return `lower(hex(${c}))`;
  if (type === 'UUID') return `replace(${c}::VARCHAR, '-', '')`;
  if (type === 'DATE') return `(${c} - DATE '1970-01-01')::VARCHAR`;
  if (type === 'TIMESTAMP_MS') return `epoch_ms(${c})::VARCHAR`;
  if (type === 'TIMESTAMP_NS') return `epoch_ns(${c})::VARCHAR`;
  if (type === 'TIMESTAMP_S') return `epoch(${c})::BIGINT::VARCHAR`;
  if (type.startsWith('TIMESTAMP')) return `epoch_us(${c})::VARCHAR`;
  if (type === 'TIME' || type === 'TIME WITH TIME ZONE') {
    return `(EXTRACT(hour FROM ${c}) * 3600000000 + EXTRACT(minute FROM ${c}) * 60000000 + ` +
           `EXTRACT(microsecond FROM ${c}))::BIGINT::VARCHAR`;
  }
  return `${c}::VARCHAR`;
}

// Runs `relation` (a table name or a table function call) and returns its rows rendered.
export async function renderRelation(connection, relation, orderBy) {
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  const columns = described.getRows().map(r => ({ name: r[0], type: r[1] }));
  const select = columns.map(col => renderSql(col.name, col.type)).join(', ');
  const order = orderBy ? ` ORDER BY ${orderBy}` : '';
  const result = await connection.runAndReadAll(`SELECT ${select} FROM ${relation}${order}`);
  const rows = result.getRows().map(row => row.map((v, i) => {
    if (v === null || v === undefined) return null;
    const type = columns[i].type;
    if (type === 'FLOAT') return floatBits(Number(v));
    if (type === 'DOUBLE') return doubleBits(Number(v));
    return String(v);
  }));
  return { columns: columns.map(c => c.name), types: columns.map(c => c.type), rows };
}
