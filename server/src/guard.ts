// Wraps a request handler so an exception becomes a logged, empty answer instead of an error or a crash.
export function guard<P, R>(log: (m: string) => void, name: string, handler: (params: P) => R | Promise<R>, fallback: R): (params: P) => Promise<R> {
  return async (params: P) => {
    try {
      return await handler(params);
    } catch (e) {
      log(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  };
}
