// Writing records back as text/event-stream: what an SSE server would send for them. Used to
// copy an event "as raw SSE" when its source has no wire text (a native EventSource), and by
// the raw export.
import type { EventRecord } from '../model';

/** Line ends as the parser splits them: a value's CR or LF can only be written as a new line. */
const LINE_END = /\r\n|\r|\n/;

/** `name: value`, or `name:` for an empty value (one space after the colon is stripped on reading). */
const field = (name: string, value: string) => (value === '' ? `${name}:` : `${name}: ${value}`);

/**
 * One record as SSE text ending with its blank line: an event as `event:` (unless `message`),
 * `id:` and one `data:` line per line of its data; a comment as `:` lines; a retry as
 * `retry:`. Reading it back gives the same type, id and data.
 *
 * An event's id is the last event id in effect, so `id:` is written only when it differs from
 * `previousId`: the id of the stream's previous event when writing a whole stream (then an id
 * reset to '' is written too, as `id:`).
 */
export function toSse(e: Pick<EventRecord, 'kind' | 'type' | 'id' | 'data'>, previousId = ''): string {
  const lines =
    e.kind === 'comment'
      ? e.data.split(LINE_END).map((line) => field('', line))
      : e.kind === 'retry'
        ? [field('retry', e.data)]
        : [
            ...(e.type !== 'message' && e.type !== '' ? [field('event', e.type)] : []),
            ...(e.id !== previousId ? [field('id', e.id)] : []),
            ...e.data.split(LINE_END).map((line) => field('data', line)),
          ];
  return `${lines.join('\n')}\n\n`;
}
