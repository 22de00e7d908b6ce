/**
 * Watches each HTTP request the Label Studio client sends (metrics, tracing). Called when the
 * request starts; the function it returns is called once with how the request ended.
 */
export type RequestObserver = (request: ObservedRequest) => (end: RequestEnd) => void;

export interface ObservedRequest {
  connection: string;
  method: string;
  /** The path with ids and the query left out, e.g. api/storages/export/s3/{id}/sync: few distinct values. */
  route: string;
}

/** An HTTP status, or the kind of transport error when no answer came (connection, timeout). */
export type RequestEnd = { status: number } | { error: string };

export function routeOf(path: string): string {
  return path.split('?')[0]!.replace(/\/\d+(?=\/|$)/g, '/{id}');
}

/** One observer that tells each of `observers`. */
export function observeAll(observers: RequestObserver[]): RequestObserver {
  return (request) => {
    const ends = observers.map((observe) => observe(request));
    return (end) => ends.forEach((ended) => ended(end));
  };
}
