/**
 * Watches a model's stream of parts on its way to the AI SDK, without changing it, and reports how the
 * stream ended exactly once: on its `finish` part's usage, an `error` part, a failed read (the connection
 * cut off mid-way), or a cancel by the consumer.
 *
 * @module
 */

/** How a stream ended. */
export type StreamEnd =
  | { readonly kind: 'finished'; readonly finish: unknown }
  /** An `error` part came (the stream may have gone on, or the SDK cancelled it to retry). */
  | { readonly kind: 'error-part'; readonly error: unknown; readonly finish: unknown }
  /** A read of the provider's stream failed. */
  | { readonly kind: 'read-failed'; readonly error: unknown; readonly finish: unknown }
  /** The consumer cancelled before the end. */
  | { readonly kind: 'cancelled'; readonly reason: unknown }
  /** The stream closed without a `finish` or an `error` part. */
  | { readonly kind: 'no-finish' };

/** Callbacks of {@link tapStream}; what they throw is ignored (the stream goes on unchanged). */
export interface StreamTapHandlers {
  /** Called at the first `error` part, before the SDK sees it (so a stream retry knows a try failed). */
  readonly onErrorPart: (error: unknown) => void;
  /** Called once, when the stream ended in any way. */
  readonly onEnd: (end: StreamEnd) => void;
}

const partType = (part: unknown): unknown => (typeof part === 'object' && part !== null ? (part as { type?: unknown }).type : undefined);

/**
 * A stream that yields the parts of `source` unchanged, pulling one part per read of its consumer (no
 * read-ahead: the provider's backpressure is kept), and reports the end once.
 *
 * @param source - The model's stream.
 * @param handlers - See {@link StreamTapHandlers}.
 * @returns The stream to hand to the SDK.
 */
export function tapStream<T>(source: ReadableStream<T>, handlers: StreamTapHandlers): ReadableStream<T> {
  const reader = source.getReader();
  let ended = false;
  let finish: unknown;
  let errorPart: { error: unknown } | undefined;
  const end = (how: StreamEnd): void => {
    if (ended) return;
    ended = true;
    try {
      handlers.onEnd(how);
    } catch {
      // Recording must never fail the user's stream.
    }
  };
  const endAfterParts = (): void => {
    if (errorPart !== undefined) end({ kind: 'error-part', error: errorPart.error, finish });
    else if (finish !== undefined) end({ kind: 'finished', finish });
    else end({ kind: 'no-finish' });
  };
  return new ReadableStream<T>(
    {
      async pull(controller) {
        let read: Awaited<ReturnType<typeof reader.read>>;
        try {
          read = await reader.read();
        } catch (error) {
          end(errorPart !== undefined ? { kind: 'error-part', error: errorPart.error, finish } : { kind: 'read-failed', error, finish });
          controller.error(error);
          return;
        }
        if (read.done) {
          endAfterParts();
          controller.close();
          return;
        }
        const type = partType(read.value);
        if (type === 'finish') finish = read.value;
        else if (type === 'error' && errorPart === undefined) {
          errorPart = { error: (read.value as { error?: unknown }).error };
          try {
            handlers.onErrorPart(errorPart.error);
          } catch {
            // As above: the part goes on to the SDK whatever happens here.
          }
        }
        controller.enqueue(read.value);
      },
      async cancel(reason) {
        if (errorPart !== undefined || finish !== undefined) endAfterParts();
        else end({ kind: 'cancelled', reason });
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
