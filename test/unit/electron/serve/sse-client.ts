// A minimal client of `waitline serve`'s event stream for tests: opens /api/events with the token and
// hands each server-sent event (name, parsed JSON data) to `onEvent` until stopped.
import { request } from 'node:http';

export interface EventStream {
  stop(): void;
}

export function openEvents(
  port: number,
  token: string,
  onEvent: (name: string, data: unknown) => void,
  onError: (e: Error) => void = () => undefined,
): EventStream {
  const req = request({ host: '127.0.0.1', port, path: `/api/events?token=${token}`, headers: { Host: `127.0.0.1:${port}` }, setHost: false }, (res) => {
    if (res.statusCode !== 200) return onError(new Error(`events: HTTP ${res.statusCode}`));
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const name = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (name && data) onEvent(name, JSON.parse(data));
      }
    });
    res.on('error', () => undefined);
  });
  req.on('error', onError);
  req.end();
  return { stop: () => void req.destroy() };
}
