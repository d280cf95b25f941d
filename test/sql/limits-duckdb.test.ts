/** What the exact SQL cannot reproduce in DuckDB (@duckdb/node-api): see helpers/limits-suite.ts. */
import { limitsSuite } from './helpers/limits-suite.js';

limitsSuite('duckdb');
