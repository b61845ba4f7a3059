// The page hook: runs in the page's MAIN world at document_start, in every frame, before any
// page script. It observes every SSE stream the page opens (EventSource, and fetch/XHR
// responses of type text/event-stream) and never changes what the page sees. Per event it
// does the least it can: it keeps the event, and reads it when the page is idle (see emitter.ts).
import { hookEventSource } from './hooks/eventsource';
import { hookFetch } from './hooks/fetch';
import { hookXhr } from './hooks/xhr';

hookEventSource();
hookFetch();
hookXhr();
