import { apply, regExpExec } from './native';

const EVENT_STREAM = /^[\t ]*text\/event-stream[\t ]*(;|$)/i;

/** Whether a Content-Type header value is text/event-stream (parameters allowed). */
export const isEventStream = (contentType: string | null) => contentType !== null && apply(regExpExec, EVENT_STREAM, [contentType]) !== null;
