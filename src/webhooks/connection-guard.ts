import type { Server } from 'node:http';
import type { Socket } from 'node:net';

interface Tracked {
  socket: Socket;
  peer: string;
  /** Requests being answered on it: a connection with none is idle and may give way. */
  busy: number;
}

/**
 * Connection limits a stranger cannot use up. A connection that sends nothing is closed after
 * `idleTimeoutMs`; a peer holds at most `maxPerPeer` connections and the server `maxConnections`.
 * When a cap is reached, the oldest idle connection under it is closed to make room for the new one
 * (refusing the newcomer instead let one client holding idle connections lock Label Studio out);
 * only when every connection under the cap is answering a request is the newcomer closed.
 *
 * Connections are keyed by peer address and port, which a TLS socket shares with the TCP socket
 * under it: the raw socket is what is counted (a client that never completes its handshake counts too).
 */
export class ConnectionGuard {
  /** Insertion order is age: Map iteration gives the oldest first. */
  private readonly connections = new Map<string, Tracked>();
  private readonly perPeer = new Map<string, number>();

  constructor(
    private readonly maxConnections: number,
    private readonly maxPerPeer: number,
    private readonly idleTimeoutMs: number,
  ) {}

  /** Watches the server's connections and requests. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req: { socket: Socket }, res: { once(event: 'finish' | 'close', f: () => void): void }) => {
      const tracked = this.connections.get(keyOf(req.socket));
      if (!tracked) return;
      tracked.busy++;
      tracked.socket.setTimeout(0); // the request has its own deadlines (headers, request, Temporal)
      let done = false;
      const rest = () => {
        if (done) return;
        done = true;
        tracked.busy--;
        if (tracked.busy === 0 && !tracked.socket.destroyed) tracked.socket.setTimeout(this.idleTimeoutMs);
      };
      res.once('finish', rest);
      res.once('close', rest);
    });
  }

  get size(): number {
    return this.connections.size;
  }

  private admit(socket: Socket): void {
    const peer = socket.remoteAddress ?? '';
    if ((this.perPeer.get(peer) ?? 0) >= this.maxPerPeer && !this.evictIdle(peer)) return void socket.destroy();
    if (this.connections.size >= this.maxConnections && !this.evictIdle()) return void socket.destroy();
    const key = keyOf(socket);
    this.connections.set(key, { socket, peer, busy: 0 });
    this.perPeer.set(peer, (this.perPeer.get(peer) ?? 0) + 1);
    socket.setTimeout(this.idleTimeoutMs, () => socket.destroy());
    socket.once('close', () => this.forget(key, socket));
  }

  /** Closes the oldest idle connection (of `peer`, if given); false when there is none. */
  private evictIdle(peer?: string): boolean {
    for (const [key, tracked] of this.connections) {
      if (tracked.busy > 0 || (peer !== undefined && tracked.peer !== peer)) continue;
      this.forget(key, tracked.socket); // counted out now: its 'close' comes later
      tracked.socket.destroy();
      return true;
    }
    return false;
  }

  private forget(key: string, socket: Socket): void {
    const tracked = this.connections.get(key);
    if (tracked?.socket !== socket) return;
    this.connections.delete(key);
    const left = (this.perPeer.get(tracked.peer) ?? 1) - 1;
    if (left > 0) this.perPeer.set(tracked.peer, left);
    else this.perPeer.delete(tracked.peer);
  }
}

const keyOf = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;
