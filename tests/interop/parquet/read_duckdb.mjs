// Reads one Parquet file with DuckDB and prints its rows rendered as render.mjs describes, as
// JSON, for the C++ interop test to compare with what it wrote.
// Usage: node read_duckdb.mjs FILE
import { DuckDBInstance } from '@duckdb/node-api';
import { renderRelation } from './render.mjs';

const file = process.argv[2];
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const relation = `read_parquet('${file.replaceAll("'", "''")}')`;
const rendered = await renderRelation(connection, relation);
process.stdout.write(JSON.stringify(rendered));
