/**
 * State files: an aggregator's records on disk, for merging summaries across hosts.
 *
 * @module
 */
export { readStateFile, writeStateFile, isStateFile } from './state-file.js';
export type { WriteStateFileOptions } from './state-file.js';
export { STATE_FILE_MAGIC, STATE_FILE_VERSION } from './state-codec.js';
