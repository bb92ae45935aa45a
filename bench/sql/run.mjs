// Runs the TPC-H-shaped queries on UniStudio (unistudio-sql over Parquet), SQLite (sqlite3
// CLI over a loaded database) and DuckDB (@duckdb/node-api over the same Parquet files),
// the median of N runs each, and prints the table with ratios. See run.sh.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const sf = opt('--sf', '1');
const runs = Number(opt('--runs', '3'));
const bin = opt('--bin');
const gen = opt('--gen');
const skipSqlite = args.includes('--skip-sqlite');
const writeResults = args.includes('--write-results');
const prepareOnly = args.includes('--prepare-only');
const only = opt('--only', '');
// SQLite's plans for the many-table joins can take very long; a query past this is reported
// as "> limit".
const sqliteTimeoutMs = Number(opt('--sqlite-timeout', '900')) * 1000;
const tables = ['region', 'nation', 'supplier', 'customer', 'part', 'orders', 'lineitem'];
const dataDir = path.join(here, 'data', `sf${sf}`);
const csvDir = path.join(dataDir, 'csv');
const pqDir = path.join(dataDir, 'parquet');

function log(msg) {
  process.stderr.write(msg + '\n');
}

// 1. Data.
if (!fs.existsSync(path.join(csvDir, 'lineitem.csv'))) {
  log(`generating SF${sf} CSV in ${csvDir}`);
  execFileSync(gen, [sf, csvDir], { stdio: 'inherit' });
}
if (!fs.existsSync(path.join(pqDir, 'lineitem'))) {
  log('writing Parquet with UniStudio (CTAS)');
  for (const t of tables) {
    const sql = `CREATE TABLE ${t} WITH (format = 'PARQUET', external_location = '${pqDir}/${t}') ` +
      `AS SELECT * FROM read_csv('${csvDir}/${t}.csv')`;
    execFileSync(bin, ['sql', sql], { stdio: 'inherit' });
  }
}
// The loaded SQLite database is cached under bench/out/ (git-ignored).
const outDir = path.join(here, '..', 'out', 'sql');
fs.mkdirSync(outDir, { recursive: true });
const sqliteDb = path.join(outDir, `tpch-sf${sf}.sqlite`);
if (!skipSqlite && !fs.existsSync(sqliteDb)) {
  log('loading SQLite');
  const script = tables.map((t) => `.import --csv --skip 1 ${csvDir}/${t}.csv ${t}`).join('\n');
  // Typed tables so that comparisons are numeric.
  const ddl = {
    region: 'r_regionkey INTEGER, r_name TEXT, r_comment TEXT',
    nation: 'n_nationkey INTEGER, n_name TEXT, n_regionkey INTEGER, n_comment TEXT',
    supplier: 's_suppkey INTEGER, s_name TEXT, s_address TEXT, s_nationkey INTEGER, s_phone TEXT, s_acctbal REAL, s_comment TEXT',
    customer: 'c_custkey INTEGER, c_name TEXT, c_address TEXT, c_nationkey INTEGER, c_phone TEXT, c_acctbal REAL, c_mktsegment TEXT, c_comment TEXT',
    part: 'p_partkey INTEGER, p_name TEXT, p_mfgr TEXT, p_brand TEXT, p_type TEXT, p_size INTEGER, p_container TEXT, p_retailprice REAL, p_comment TEXT',
    orders: 'o_orderkey INTEGER, o_custkey INTEGER, o_orderstatus TEXT, o_totalprice REAL, o_orderdate TEXT, o_orderpriority TEXT, o_clerk TEXT, o_shippriority INTEGER, o_comment TEXT',
    lineitem: 'l_orderkey INTEGER, l_partkey INTEGER, l_suppkey INTEGER, l_linenumber INTEGER, l_quantity REAL, l_extendedprice REAL, l_discount REAL, l_tax REAL, l_returnflag TEXT, l_linestatus TEXT, l_shipdate TEXT, l_commitdate TEXT, l_receiptdate TEXT, l_shipinstruct TEXT, l_shipmode TEXT, l_comment TEXT',
  };
  const create = tables.map((t) => `CREATE TABLE ${t}(${ddl[t]});`).join('\n');
  // Indexes on the join keys, as a SQLite user would create them.
  const idx = ['CREATE INDEX l_ok ON lineitem(l_orderkey);', 'CREATE INDEX o_ok ON orders(o_orderkey);',
    'CREATE INDEX c_ck ON customer(c_custkey);', 'CREATE INDEX p_pk ON part(p_partkey);',
    'CREATE INDEX s_sk ON supplier(s_suppkey);', 'ANALYZE;'].join('\n');
  spawnSync('sqlite3', [sqliteDb + '.tmp'], { input: create + '\n' + script + '\n' + idx + '\n', stdio: ['pipe', 'inherit', 'inherit'] });
  fs.renameSync(sqliteDb + '.tmp', sqliteDb);
}
if (prepareOnly) process.exit(0);

// 2. Queries.
const queryFiles = fs.readdirSync(path.join(here, 'queries')).filter((f) => f.endsWith('.sql')).sort();
const dialect = (sql, engine) =>
  sql.replace(/\{DATE (\d{4}-\d{2}-\d{2})\}/g, (_, d) => (engine === 'sqlite' ? `'${d}'` : `DATE '${d}'`));
const views = tables.map((t) => `CREATE VIEW ${t} AS SELECT * FROM read_parquet('${pqDir}/${t}/*.parquet')`).join(';\n');

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length === 0 ? NaN : v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

// Wall-clock and CPU (user + system, from /usr/bin/time) of one process run. A timeout kills
// the measured process itself (coreutils `timeout` under /usr/bin/time): killing only
// /usr/bin/time would leave it running and loading the machine for the queries after it.
function timeProcess(cmd, cmdArgs, input, timeoutMs = 0) {
  const timing = path.join(outDir, 'time.txt');
  const limit = timeoutMs > 0 ? ['timeout', '-s', 'KILL', `${timeoutMs / 1000}`] : [];
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timing, ...limit, cmd, ...cmdArgs],
    { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (timeoutMs > 0 && r.status === 128 + 9) return { ms: Infinity, cpu: Infinity, out: '' };
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const [user, sys] = fs.readFileSync(timing, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms, cpu: (user + sys) * 1000, out: r.stdout };
}

const duck = await (await DuckDBInstance.create(':memory:', { threads: '2' })).connect();
for (const t of tables) await duck.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${pqDir}/${t}/*.parquet')`);

async function timeDuck(sql) {
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  await duck.runAndReadAll(sql);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpu: (cpu.user + cpu.system) / 1000 };
}

// Runs are interleaved (UniStudio, DuckDB, SQLite, then again) so that load from other
// processes on a shared machine hits every engine alike; medians are reported. Each timed run
// starts after a pause, so that it does not share the cores with the tail of the previous
// engine's run (DuckDB's worker threads, a process still exiting and freeing its memory).
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
const rows = [];
for (const f of queryFiles) {
  const name = f.replace('.sql', '').toUpperCase();
  if (only && !only.split(',').includes(name)) continue;
  const text = fs.readFileSync(path.join(here, 'queries', f), 'utf8');
  const m = { uni: [], uniCpu: [], duck: [], duckCpu: [], sqlite: [], sqliteCpu: [] };
  let out = '';
  for (let i = 0; i < runs; i++) {
    await settle();
    const u = timeProcess(bin, ['sql', '--format', 'csv', `${views};\n${dialect(text, 'trino')}`]);
    out = u.out;
    m.uni.push(u.ms);
    m.uniCpu.push(u.cpu);
    await settle();
    const d = await timeDuck(dialect(text, 'trino'));
    m.duck.push(d.ms);
    m.duckCpu.push(d.cpu);
    // SQLite once: it is the slow baseline (minutes per query).
    if (!skipSqlite && i === 0) {
      await settle();
      const s = timeProcess('sqlite3', [sqliteDb], dialect(text, 'sqlite') + ';\n', sqliteTimeoutMs);
      m.sqlite.push(s.ms);
      m.sqliteCpu.push(s.cpu);
    }
  }
  const r = { name, resultRows: out.trim().split('\n').length - 1 };
  for (const k of Object.keys(m)) r[k] = median(m[k]);
  rows.push(r);
  log(`${name}: unistudio ${r.uni.toFixed(0)} ms (cpu ${r.uniCpu.toFixed(0)}), sqlite ${r.sqlite.toFixed(0)} ms ` +
    `(cpu ${r.sqliteCpu.toFixed(0)}), ` +
    `duckdb ${r.duck.toFixed(0)} ms (cpu ${r.duckCpu.toFixed(0)})`);
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(0) : x === Infinity ? `> ${sqliteTimeoutMs}` : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? (a / b).toFixed(2)
  : a === Infinity && Number.isFinite(b) ? `> ${(sqliteTimeoutMs / b).toFixed(2)}` : 'n/a');
let table = `| query | UniStudio ms | DuckDB ms | SQLite ms | SQLite / UniStudio | UniStudio / DuckDB | ` +
  `UniStudio CPU ms | DuckDB CPU ms | SQLite CPU ms | CPU UniStudio / DuckDB | rows |\n`;
table += `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n`;
const tot = { uni: 0, duck: 0, sqlite: 0, uniCpu: 0, duckCpu: 0, sqliteCpu: 0 };
for (const r of rows) {
  for (const k of Object.keys(tot)) tot[k] += r[k];
  table += `| ${r.name} | ${fmt(r.uni)} | ${fmt(r.duck)} | ${fmt(r.sqlite)} | ${ratio(r.sqlite, r.uni)} | ` +
    `${ratio(r.uni, r.duck)} | ${fmt(r.uniCpu)} | ${fmt(r.duckCpu)} | ${fmt(r.sqliteCpu)} | ` +
    `${ratio(r.uniCpu, r.duckCpu)} | ${r.resultRows} |\n`;
}
table += `| total | ${fmt(tot.uni)} | ${fmt(tot.duck)} | ${fmt(tot.sqlite)} | ${ratio(tot.sqlite, tot.uni)} | ` +
  `${ratio(tot.uni, tot.duck)} | ${fmt(tot.uniCpu)} | ${fmt(tot.duckCpu)} | ${fmt(tot.sqliteCpu)} | ` +
  `${ratio(tot.uniCpu, tot.duckCpu)} | |\n`;
process.stdout.write(table);
if (writeResults) {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
  const md = `# SQL engine benchmark results\n\n` +
    `Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${cpu}, 2 cores. Scale factor ${sf}, median of ${runs} ` +
    `interleaved runs (SQLite: one run), wall clock and CPU time (user + system) per query. UniStudio ` +
    `(\`unistudio-sql\`, Release build, process start included) and DuckDB (@duckdb/node-api, 2 threads, in-process) ` +
    `read the same Parquet files written by UniStudio; SQLite (sqlite3 CLI, process start included) reads a database ` +
    `loaded from the same CSV with indexes on the join keys.\n\n` +
    `Command: \`bench/sql/run.sh --sf ${sf} --runs ${runs} --write-results\`\n\n` + table;
  fs.writeFileSync(path.join(here, 'RESULTS.md'), md);
}
