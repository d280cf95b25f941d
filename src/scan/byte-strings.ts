/**
 * Node's own decoders behind `buf.toString(encoding, start, end)`, without its argument checks (a tenth of
 * a load's time went to them); `toString` where a runtime lacks them. Shared by the line scanner (the
 * strings of a parsed line) and the record store (the strings of rows loaded as bytes).
 *
 * @module
 */

/** A decoder, called with the buffer as `this`. */
export type Slice = (this: Buffer, start: number, end: number) => string;

const slices = Buffer.prototype as unknown as { utf8Slice?: Slice; latin1Slice?: Slice };

/** `buf.toString('utf8', start, end)` without the checks: call as `utf8Slice.call(buf, start, end)`. */
export const utf8Slice: Slice =
  slices.utf8Slice ??
  function (this: Buffer, start, end) {
    return this.toString('utf8', start, end);
  };

/** `buf.toString('latin1', start, end)` without the checks: call as `latin1Slice.call(buf, start, end)`. */
export const latin1Slice: Slice =
  slices.latin1Slice ??
  function (this: Buffer, start, end) {
    return this.toString('latin1', start, end);
  };
