/**
 * The one line reader of logs (`readLog()`, `loadLog()`, the collector's `loadFromDisk()`, the CLI's
 * scan): applies the line rules of `src/log/lines.ts` to bytes. It splits them into lines, takes the fast
 * path for lines in the writer's form and `parseLogLine` (`JSON.parse` + full validation) for every other
 * line, and hands each valid record on either as a row of the aggregator (no record object) or as a
 * record object, the one `JSON.parse` gives. A skipped line gets the rules' warning.
 *
 * @module
 */
import type { Row, RowSink } from '../aggregate/row.js';
import { emptyRow, ROW_ATTEMPT, ROW_COST, ROW_DURATION_MS, ROW_START } from '../aggregate/row.js';
import { invalidReason, overlongReason, parseLogLine } from '../log/lines.js';
import type { InvocationMetric } from '../record.js';
import { ByteInterner } from './byte-interner.js';
import { latin1Slice, utf8Slice } from './byte-strings.js';
import type { ColumnSink } from './columns.js';
import { FastLineParser, type FastLine } from './fast-line.js';
import { recordObject, type LineStrings } from './record-object.js';

const NEWLINE = 0x0a;
const CR = 0x0d;

/** Where the scanner's records go. */
export type ScanTarget =
  /** Rows of an aggregator: records parsed on the fast path never become objects. */
  | { kind: 'rows'; sink: RowSink; add: (record: InvocationMetric) => void }
  /**
   * Record objects, equal to what `JSON.parse` gives (unknown fields included). The first `skip` valid
   * records (default 0) are counted, not built, nor passed on: those a resume has in memory already.
   */
  | { kind: 'records'; onRecord: (record: InvocationMetric) => void; skip?: number }
  /**
   * The collector store's columns (`columns.ts`, for `loadFromDisk()` in a worker): a fast-path line as a
   * row, any other valid record as its line's text. No record object.
   */
  | { kind: 'columns'; sink: ColumnSink };

/** Options of {@link LineScanner}. */
export interface LineScannerOptions {
  /** Longest line parsed, bytes without the `\n`. */
  maxLineBytes: number;
  /** Where records go. */
  target: ScanTarget;
  /** A skipped line: its 1-based number among the lines this scanner saw, and the reader's reason. */
  onWarning: (line: number, reason: string) => void;
  /** Parse every line with `JSON.parse` (the reference path; for tests). @default false */
  slowOnly?: boolean;
}

const none = (): number => 0;
const noWarning = (): void => {};
const NO_TARGET: ScanTarget = { kind: 'records', onRecord: () => {} };
/** The sink of a scanner whose target takes record objects: never called. */
const NO_SINK: RowSink = {
  internAgent: none,
  taskIdOfBytes: () => -1,
  internModel: none,
  internTier: none,
  internErrorClass: none,
  addRow: () => {},
};

/** Splits and parses lines; feed it with {@link LineScanner.scan}. */
export class LineScanner {
  /** Lines seen so far (blank ones included), the number of the last one. */
  lines = 0;
  /** Lines skipped with a warning. */
  skipped = 0;
  /** Records passed on. */
  records = 0;
  /** Set by {@link stop}: `scan` returns at once. */
  stopped = false;
  readonly #max: number;
  // Fields that reset() changes start with a placeholder, then get their value in the constructor: a
  // field written once is treated by V8 as a constant, and code optimized on that assumption is thrown
  // away when a reset() writes it again; written twice from the start, it is never assumed constant.
  #target: ScanTarget = NO_TARGET;
  #onWarning: (line: number, reason: string) => void = noWarning;
  // The target's sink, held here rather than read from the target: V8 records the class of the values a
  // field of an object literal has held, and a worker's second task hands in an aggregator of another
  // hidden class than the first's (`node --trace-generalization`): that threw away every optimized
  // function that read `target.sink` (the parser, inlined), in each worker. This field starts with an
  // object of another class, so V8 never assumes one class here.
  #sink: RowSink = NO_SINK;
  readonly #slowOnly: boolean;
  readonly #parser: FastLineParser;
  readonly #row: Row = emptyRow();
  readonly #agents: ByteInterner;
  readonly #models: ByteInterner;
  readonly #tiers: ByteInterner;
  readonly #errorClasses: ByteInterner;
  /** Valid records counted, not built, at the start (the records target's `skip`). */
  #skip = 0;
  /** Bytes so far of an overlong line whose `\n` is not read yet; -1 when none. */
  #overlong = -1;

  /** @param options - See {@link LineScannerOptions}. */
  constructor(options: LineScannerOptions) {
    this.#max = options.maxLineBytes;
    this.#target = options.target;
    this.#onWarning = options.onWarning;
    this.#slowOnly = options.slowOnly ?? false;
    this.#agents = new ByteInterner(none);
    this.#models = new ByteInterner(none);
    this.#tiers = new ByteInterner(none);
    this.#errorClasses = new ByteInterner(none);
    this.#parser = new FastLineParser(this.#agents, this.#models, this.#tiers);
    this.#retarget(options.target);
  }

  /**
   * Starts over with another target (a worker's next task): counts and state back to a fresh scanner's,
   * but the values seen so far are still recognized from their bytes, and the code the engine optimized
   * for this scanner stays valid (a new scanner made it start over, tens of milliseconds a worker).
   *
   * @param target - Where records go from now on.
   * @param onWarning - Receives skipped lines from now on.
   */
  reset(target: ScanTarget, onWarning: (line: number, reason: string) => void): void {
    this.lines = 0;
    this.skipped = 0;
    this.records = 0;
    this.stopped = false;
    this.#overlong = -1;
    this.#onWarning = onWarning;
    this.#retarget(target);
  }

  #retarget(target: ScanTarget): void {
    this.#target = target;
    this.#skip = target.kind === 'records' ? (target.skip ?? 0) : 0;
    if (target.kind === 'columns') {
      // One table for all four: the store interns them in one table too.
      const columns = target.sink;
      const intern = (s: string): number => columns.intern(s);
      this.#sink = NO_SINK;
      for (const table of [this.#agents, this.#models, this.#tiers, this.#errorClasses]) table.retarget(intern);
      return;
    }
    const sink = target.kind === 'rows' ? target.sink : undefined;
    this.#sink = sink ?? NO_SINK;
    this.#agents.retarget(sink === undefined ? none : (s) => sink.internAgent(s));
    this.#models.retarget(sink === undefined ? none : (s) => sink.internModel(s));
    this.#tiers.retarget(sink === undefined ? none : (s) => sink.internTier(s));
    this.#errorClasses.retarget(sink === undefined ? none : (s) => sink.internErrorClass(s));
  }

  /** Whether an overlong line is being skipped: its end (and warning) is still to come. */
  get pending(): boolean {
    return this.#overlong >= 0;
  }

  /** Makes `scan` return at once (the `--strict` stop at the first warning). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Scans the complete lines of `buf[pos, end)`.
   *
   * @param buf - The bytes.
   * @param pos - Start of a line (or the continuation of an overlong one).
   * @param end - End of the bytes read.
   * @param eof - No bytes follow `end`: what remains is a last line without `\n`.
   * @param stopAt - Lines starting at or after this index are left alone (a worker's range end).
   * @returns Index of the first byte not consumed: the start of an incomplete line (or `stopAt`).
   */
  scan(buf: Buffer, pos: number, end: number, eof: boolean, stopAt = Infinity): number {
    const data = end === buf.length ? buf : buf.subarray(0, end);
    if (this.#overlong >= 0) {
      const nl = data.indexOf(NEWLINE, pos);
      if (nl === -1) {
        this.#overlong += end - pos;
        if (eof) this.#endOverlong(false);
        return end;
      }
      this.#overlong += nl - pos;
      this.#endOverlong(true);
      pos = nl + 1;
    }
    const view = this.#viewOf(buf);
    const parser = this.#parser;
    // The last `\n` of the bytes: the parser's bound (it finds each line's end itself, and only a line
    // that it does not accept needs the native search for its `\n`).
    const last = this.#slowOnly ? -1 : data.lastIndexOf(NEWLINE, end - 1);
    while (pos < end && pos < stopAt && !this.stopped) {
      if (pos <= last) {
        const nl = parser.parse(buf, view, pos, last);
        if (nl >= 0 && nl - pos <= this.#max) {
          this.lines++;
          this.#fast(buf, view, pos, nl);
          pos = nl + 1;
          continue;
        }
      }
      const nl = data.indexOf(NEWLINE, pos);
      if (nl === -1) {
        if (eof) this.#slow(buf, pos, end, false); // the last line, without its `\n`: torn
        else if (end - pos <= this.#max) return pos; // wait for the rest of the line
        else {
          this.lines++;
          this.#overlong = end - pos;
        }
        return end;
      }
      this.#slow(buf, pos, nl, true); // not in the fast path's form, or longer than the limit
      pos = nl + 1;
    }
    return pos;
  }

  #view: DataView | undefined;

  #viewOf(buf: Buffer): DataView {
    const v = this.#view;
    if (v !== undefined && v.buffer === buf.buffer && v.byteOffset === buf.byteOffset && v.byteLength === buf.length) return v;
    return (this.#view = new DataView(buf.buffer, buf.byteOffset, buf.length));
  }

  #endOverlong(terminated: boolean): void {
    const bytes = this.#overlong;
    this.#overlong = -1;
    this.#warn(overlongReason(bytes, this.#max, terminated));
  }

  #warn(reason: string): void {
    this.skipped++;
    this.#onWarning(this.lines, reason);
  }

  /** A line of `buf[pos, nl)` for `parseLogLine`, exactly as the reader decodes it. */
  #slow(buf: Buffer, pos: number, nl: number, terminated: boolean): void {
    this.lines++;
    const bytes = nl - pos;
    if (bytes > this.#max) return this.#warn(overlongReason(bytes, this.#max, terminated));
    const stop = bytes > 0 && buf[nl - 1] === CR ? nl - 1 : nl;
    const text = buf.toString('utf8', pos, stop);
    const parsed = parseLogLine(text);
    if (parsed.kind === 'record') {
      if (++this.records <= this.#skip) return;
      if (this.#target.kind === 'rows') this.#target.add(parsed.record);
      else if (this.#target.kind === 'columns') this.#target.sink.addText(text);
      else this.#target.onRecord(parsed.record);
    } else if (parsed.kind === 'invalid') this.#warn(invalidReason(parsed.reason, terminated));
  }

  /** A line the fast path accepted; its `\n` is at `nl`. */
  #fast(buf: Buffer, view: DataView, pos: number, nl: number): void {
    const l = this.#parser.line;
    const target = this.#target;
    if (++this.records <= this.#skip) return;
    if (target.kind === 'records') {
      target.onRecord(l.unknownFields ? this.#parsed(buf, pos, nl) : this.#object(buf, view, l));
      return;
    }
    if (target.kind === 'columns') return this.#column(target.sink, buf, view, pos, nl, l);
    const row = this.#row;
    const numbers = row.numbers;
    numbers[ROW_START] = l.start;
    numbers[ROW_DURATION_MS] = l.durationMs;
    numbers[ROW_COST] = l.cost;
    numbers[ROW_ATTEMPT] = l.attempt;
    // Values the parser did not recognize are interned now that the line is accepted.
    const agents = this.#agents;
    row.agent = agents.idOf(l.agentEntry >= 0 ? l.agentEntry : agents.remember(buf, view, l.agentStart, l.agentEnd, l.end));
    row.phase = l.phase;
    row.taskId = l.taskIdStart < 0 ? -1 : this.#sink.taskIdOfBytes(view, l.taskIdStart, l.taskIdEnd, l.taskIdHash);
    const models = this.#models;
    row.model = l.modelStart < 0 ? -1 : models.idOf(l.modelEntry >= 0 ? l.modelEntry : models.remember(buf, view, l.modelStart, l.modelEnd, l.end));
    const tiers = this.#tiers;
    row.tier = l.tierStart < 0 ? -1 : tiers.idOf(l.tierEntry >= 0 ? l.tierEntry : tiers.remember(buf, view, l.tierStart, l.tierEnd, l.end));
    row.errorClass = l.errorClassStart < 0 ? -1 : this.#errorClasses.id(buf, view, l.errorClassStart, l.errorClassEnd);
    row.success = l.success;
    row.outputParsed = l.outputParsed;
    row.tokens = l.tokens;
    row.inputTokens = l.inputTokens;
    row.outputTokens = l.outputTokens;
    row.cachedTokens = l.cachedTokens;
    this.#sink.addRow(row);
  }

  /** A fast-path line into the store's columns: its strings' ids, its bytes and numbers (see `columns.ts`). */
  #column(sink: ColumnSink, buf: Buffer, view: DataView, pos: number, nl: number, l: FastLine): void {
    if (l.unknownFields) return sink.addText(utf8(buf, pos, buf[nl - 1] === CR ? nl - 1 : nl));
    const agents = this.#agents;
    const agent = agents.idOf(l.agentEntry >= 0 ? l.agentEntry : agents.remember(buf, view, l.agentStart, l.agentEnd, l.end));
    const models = this.#models;
    const model = l.modelStart < 0 ? 0 : models.idOf(l.modelEntry >= 0 ? l.modelEntry : models.remember(buf, view, l.modelStart, l.modelEnd, l.end));
    const tiers = this.#tiers;
    const tier = l.tierStart < 0 ? 0 : tiers.idOf(l.tierEntry >= 0 ? l.tierEntry : tiers.remember(buf, view, l.tierStart, l.tierEnd, l.end));
    const errorClass = l.errorClassStart < 0 ? 0 : this.#errorClasses.id(buf, view, l.errorClassStart, l.errorClassEnd);
    sink.addFast(buf, l, agent, model, tier, errorClass, pos, nl);
  }

  #str(table: ByteInterner, buf: Buffer, view: DataView, start: number, end: number): string {
    return table.strings[table.lookup(buf, view, start, end)]!;
  }

  /** The string of a value the parser may have recognized (`entry` >= 0), else of its bytes, remembered. */
  #named(table: ByteInterner, buf: Buffer, view: DataView, entry: number, start: number, end: number, lineEnd: number): string {
    return table.strings[entry >= 0 ? entry : table.remember(buf, view, start, end, lineEnd)]!;
  }

  /** The line through `JSON.parse` (valid: the fast path checked it), for its unknown fields. */
  #parsed(buf: Buffer, pos: number, nl: number): InvocationMetric {
    return JSON.parse(buf.toString('utf8', pos, buf[nl - 1] === CR ? nl - 1 : nl)) as InvocationMetric;
  }

  /** The record object `JSON.parse` would give (see `record-object.ts`). */
  #object(buf: Buffer, view: DataView, l: FastLine): InvocationMetric {
    const strings = this.#strings;
    strings.invocationId = utf8(buf, l.invocationIdStart, l.invocationIdEnd);
    strings.agent = this.#named(this.#agents, buf, view, l.agentEntry, l.agentStart, l.agentEnd, l.end);
    // Task ids are mostly unique: decoded, not interned. The fast path took only valid UTF-8 for them.
    strings.taskId = l.taskIdStart < 0 ? undefined : utf8(buf, l.taskIdStart, l.taskIdEnd);
    strings.model = l.modelStart < 0 ? undefined : this.#named(this.#models, buf, view, l.modelEntry, l.modelStart, l.modelEnd, l.end);
    strings.tier = l.tierStart < 0 ? undefined : this.#named(this.#tiers, buf, view, l.tierEntry, l.tierStart, l.tierEnd, l.end);
    // A timestamp the fast path accepted is ASCII (digits and `-T:.Z+`): latin1 decodes it as UTF-8 would.
    strings.timestamp = latin1(buf, l.timestampStart, l.timestampEnd);
    strings.errorClass = l.errorClassStart < 0 ? undefined : this.#str(this.#errorClasses, buf, view, l.errorClassStart, l.errorClassEnd);
    return recordObject(l, strings);
  }

  readonly #strings: LineStrings = { invocationId: '', agent: '', taskId: undefined, model: undefined, tier: undefined, timestamp: '', errorClass: undefined };
}

const utf8 = (buf: Buffer, start: number, end: number): string => utf8Slice.call(buf, start, end);
const latin1 = (buf: Buffer, start: number, end: number): string => latin1Slice.call(buf, start, end);
