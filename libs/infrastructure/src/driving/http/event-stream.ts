import { subscribeAll, type AnyEvent, type EventBus, type TopicName, type Unsubscribe } from '@cab/application';
import type { Request, Response } from 'express';

/**
 * GET /api/events: the in-process bus as server-sent events. It subscribes to the bus once and fans
 * every event out to the connected browsers, so a client costs a socket, not a subscriber or a
 * database poll. Events carry amounts as decimal strings and no secrets (the bus never holds any).
 * A comment line every `heartbeatMs` keeps proxies from closing an idle stream.
 */
export class EventStream {
  private readonly clients = new Set<Response>();
  private readonly off: Unsubscribe;
  private readonly beat: NodeJS.Timeout;

  constructor(
    bus: EventBus,
    /** Masks known secret values in each event's text (a venue's error message could echo one); default none. */
    private readonly redact: (text: string) => string = (t) => t,
    heartbeatMs = 15_000,
  ) {
    this.off = subscribeAll(bus, 'dashboard-sse', (event, topic) => this.broadcast(topic, event));
    this.beat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs);
    this.beat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** The route handler: headers, a `ready` event, then every bus event until the client leaves. */
  readonly handle = (req: Request, res: Response): void => {
    res
      .status(200)
      .set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 2000\nevent: ready\ndata: {}\n\n');
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  };

  /** Ends every stream (shutdown: an open stream must not hold the server's close for its grace time). */
  close(): void {
    this.off();
    clearInterval(this.beat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcast(topic: TopicName, event: Readonly<AnyEvent>): void {
    this.write(`event: ${topic}\ndata: ${this.redact(JSON.stringify(event))}\n\n`);
  }

  private write(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }
}
