// The SSE endpoints of the seed scenarios (../shared/seeds). Each reads `interval` (ms between
// events) and `retry` from its query, so tests can run the same scenario faster.
import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void;

const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' };

/** Calls `fn` every `ms` until it returns false or the response is closed. */
function every(res: ServerResponse, ms: number, fn: () => boolean | void): void {
  const timer = setInterval(() => {
    if (fn() === false) clearInterval(timer);
  }, ms);
  // The response, not the socket: a kept-alive socket serves many responses.
  res.on('close', () => clearInterval(timer));
}

const intervalOf = (q: URLSearchParams) => Number(q.get('interval') ?? 1000);
const oneshotSessions = new Map<string, number>();

export const streams: Record<string, Handler> = {
  // Seeds 000/001/002 (PHP): one event, then the response ends, so the browser reconnects
  // every few seconds: a reconnect loop.
  // With `failAfter=N&session=S`, the (N+1)-th request of session S gets an HTTP 500 page, as a
  // server that falls over would: EventSource then gives up.
  '/1-oneshot/stream': (_req, res, q) => {
    const session = q.get('session');
    if (session !== null && q.has('failAfter')) {
      const served = (oneshotSessions.get(session) ?? 0) + 1;
      oneshotSessions.set(session, served);
      if (served > Number(q.get('failAfter'))) return void res.writeHead(500, { 'Content-Type': 'text/html' }).end('<h1>500 Internal Server Error</h1>');
    }
    res.writeHead(200, SSE_HEADERS);
    if (q.has('retry')) res.write(`retry: ${Number(q.get('retry'))}\n`);
    res.end(`data: The server time is: ${new Date().toUTCString()}\n\n`);
  },

  // Seed 000, improved: `id: N` and data each second, 99 events, then the end.
  '/2-counter/stream': (_req, res, q) => {
    res.writeHead(200, SSE_HEADERS);
    if (q.has('retry')) res.write(`retry: ${Number(q.get('retry'))}\n`);
    const time = new Date().toUTCString();
    let i = 0;
    const send = () => {
      if (++i >= 100) return void res.end();
      res.write(`id: ${i}\ndata: ${time};\n\n`);
    };
    send();
    every(res, intervalOf(q), () => {
      send();
      return !res.writableEnded;
    });
  },

  // Seed 003: each second a default `message` event, a comment, and a custom `myEvent`.
  '/3-custom-event/stream': (_req, res, q) => {
    res.writeHead(200, SSE_HEADERS);
    let n = 0;
    every(res, intervalOf(q), () => {
      n++;
      res.write(`data:${new Date().toLocaleTimeString('en-GB')} #${n}\n\n: '这是注释！'\nevent: myEvent\ndata:${new Date().toLocaleString('en-GB')} #${n}\n\n`);
    });
  },

  // Seed 004: `retry: 10000`, a `connecttime` event, then each second a comment and an
  // `onTimeChanged` event with JSON data. The page closes it with a button.
  '/4-retry-close/stream': (_req, res, q) => {
    res.writeHead(200, { ...SSE_HEADERS, 'Access-Control-Allow-Origin': '*' });
    res.write(`retry: ${Number(q.get('retry') ?? 10000)}\n`);
    res.write('event: connecttime\n');
    res.write(`data: ${new Date().toString()}\n\n`);
    every(res, intervalOf(q), () => {
      res.write('event:onTimeChanged\n');
      res.write(':This is a Comment\n');
      res.write(`data: ${JSON.stringify({ foo: Date.now(), name: 'xutao' })}\n\n`);
    });
  },

  // Scenario 5: an LLM-style answer to a POST, streamed token by token as OpenAI's chat API
  // does (`data: {json}` chunks, a keep-alive comment, `data: [DONE]`), then the end.
  '/5-llm/stream': (req, res, q) => {
    if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST' }).end('POST a JSON {"prompt": "..."}');
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const prompt = String((JSON.parse(body || '{}') as { prompt?: unknown }).prompt ?? '');
      const tokens = `You asked: "${prompt}". Server-Sent Events stream text one token at a time, like this.`.split(/(?<= )/);
      res.writeHead(200, SSE_HEADERS);
      res.write(': keep-alive\n\n');
      let i = 0;
      every(res, intervalOf(q), () => {
        if (i < tokens.length) {
          const chunk = { id: 'chatcmpl-demo', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: tokens[i++] } }] };
          res.write(`data: ${JSON.stringify(chunk)}\n\n`);
          return true;
        }
        res.end('data: [DONE]\n\n');
        return false;
      });
    });
  },
};
