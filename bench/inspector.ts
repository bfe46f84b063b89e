/**
 * A minimal Chrome DevTools Protocol client for a child started with
 * `--inspect` (see `spawnServer`'s `inspect`): the V8 heap of the server
 * under test, read from outside it, so the server carries no bench code.
 * @module
 */

/** One DevTools session on a child's V8 inspector. */
export interface Inspector {
  /** Forces a full GC, then returns the V8 heap in use, in MiB. */
  heapUsedMiB(): Promise<number>;
  /** Forces a full GC, then returns a heap snapshot (the `.heapsnapshot` JSON text). */
  heapSnapshot(): Promise<string>;
  close(): void;
}

/**
 * Connects to the inspector at `url` (`ws://127.0.0.1:<port>/<id>`, as the
 * child prints it on stderr).
 *
 * @example
 * ```ts
 * const inspector = await connectInspector(server.inspectorUrl!);
 * console.log(await inspector.heapUsedMiB());
 * inspector.close();
 * ```
 */
export async function connectInspector(url: string): Promise<Inspector> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`Cannot connect to the inspector at ${url}`));
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(r: unknown): void; reject(e: Error): void }>();
  /** Snapshot chunks, while a snapshot is being taken. */
  let chunks: string[] | undefined;
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.method === "HeapProfiler.addHeapSnapshotChunk") return chunks?.push(data.params.chunk);
    const waiter = pending.get(data.id);
    if (!waiter) return;
    pending.delete(data.id);
    if (data.error) waiter.reject(new Error(`${data.error.message} (${data.error.code})`));
    else waiter.resolve(data.result);
  };
  socket.onclose = () => {
    for (const waiter of pending.values()) waiter.reject(new Error("The inspector closed"));
    pending.clear();
  };

  /** Sends a CDP command and resolves with its result. */
  function call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = nextId++;
    socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => pending.set(id, { resolve: resolve as never, reject }));
  }

  return {
    async heapUsedMiB() {
      await call("HeapProfiler.collectGarbage");
      const { usedSize } = await call<{ usedSize: number }>("Runtime.getHeapUsage");
      return usedSize / 1024 / 1024;
    },
    async heapSnapshot() {
      await call("HeapProfiler.collectGarbage");
      chunks = [];
      try {
        await call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
        return chunks.join("");
      } finally {
        chunks = undefined;
      }
    },
    close: () => socket.close(),
  };
}
