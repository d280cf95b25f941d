/** What the exact SQL cannot reproduce in ClickHouse (chDB, from scripts/install-chdb.sh): see helpers/limits-suite.ts. */
import { limitsSuite } from './helpers/limits-suite.js';

limitsSuite('clickhouse');
