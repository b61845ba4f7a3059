// A captured stream of a made-up app (http://app.test), closed, for the replay's tests: each
// test overrides what it is about.
import type { Stream } from '../../src/shared/model';

export const T0 = 1_700_000_000_000;

export function stream(over: Partial<Stream> = {}): Stream {
  return {
    id: 'd:1',
    page: 1,
    kind: 'eventsource',
    url: 'http://app.test/events?room=1',
    withCredentials: false,
    frame: { id: 0, url: 'http://app.test/', top: true },
    createdAt: T0,
    initiator: '',
    stack: '',
    state: 'closed',
    attempts: [{ n: 1, startedAt: T0, openedAt: T0 + 10, endedAt: T0 + 1000, end: 'closed' }],
    eventCount: 0,
    bytes: 0,
    lastEventId: '',
    listenedTypes: ['message'],
    source: 'page-hook',
    ...over,
  };
}
