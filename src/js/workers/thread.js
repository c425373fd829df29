// Thread: one worker of a pool, the same whether it is a Web Worker
// (browsers, Deno, Bun) or a Node worker_threads Worker: post to it, hear
// its messages and its death, and terminate it, learning when it is gone.

/**
 * What a pool hears from a thread.
 * @typedef {{
 *   message(thread: Thread, data: unknown): void,
 *   unreadable(thread: Thread): void,
 *   died(thread: Thread, description: string, cause: unknown): void,
 * }} Listener
 */

/**
 * The two kinds of worker, as far as a thread uses them.
 * @typedef {{ postMessage(message: unknown, transfer: object[]): void, terminate(): unknown,
 *   addEventListener(type: string, listener: EventListenerObject): void,
 *   removeEventListener(type: string, listener: EventListenerObject): void,
 *   ref?(): void, unref?(): void }} WebWorker
 * @typedef {{ postMessage(message: unknown, transfer: object[]): void, terminate(): Promise<unknown>,
 *   on(type: string, listener: (...args: any[]) => void): unknown,
 *   off(type: string, listener: (...args: any[]) => void): unknown,
 *   ref(): void, unref(): void }} NodeWorker
 */

const WEB_EVENTS = ['message', 'messageerror', 'error'];

/**
 * Starts a module worker on `url`: a Web Worker where there is one, else
 * (Node) a worker_threads Worker.
 * @param {string | URL} url
 * @returns {WebWorker | NodeWorker}
 */
export function startWorker(url) {
  const Web = /** @type {any} */ (globalThis).Worker;
  if (typeof Web === 'function') return new Web(url, { type: 'module' });
  const threads = /** @type {any} */ (globalThis).process?.getBuiltinModule?.('node:worker_threads');
  if (threads === undefined) throw new Error('WorkerPool: this environment has no Worker and no node:worker_threads');
  return new threads.Worker(typeof url === 'string' ? new URL(url) : url);
}

export class Thread {
  /** @type {'starting' | 'ready' | 'ending'} Ready once its expose() answered; ending once terminated. */
  state = 'starting';
  /** @type {import('./pool.js').Run | null} The run it holds: a worker runs one handler at a time. */
  run = null;
  /** @type {WebWorker | NodeWorker} */
  #worker;
  /** @type {Listener} */
  #listener;
  /** Node's listeners, or null for a Web Worker (the thread listens itself: handleEvent). */
  #node = /** @type {{ message: (data: unknown) => void, messageerror: () => void,
    error: (error: unknown) => void, exit: (code: number) => void } | null} */ (null);

  /**
   * @param {unknown} worker a Web Worker or a worker_threads Worker, just made
   * @param {Listener} listener
   */
  constructor(worker, listener) {
    this.#listener = listener;
    const w = /** @type {any} */ (worker);
    if (typeof w?.addEventListener === 'function' && typeof w.postMessage === 'function') {
      this.#worker = w;
      for (const type of WEB_EVENTS) w.addEventListener(type, this);
    } else if (typeof w?.on === 'function' && typeof w.postMessage === 'function') {
      this.#worker = w;
      this.#node = {
        message: (data) => this.state !== 'ending' && listener.message(this, data),
        messageerror: () => this.state !== 'ending' && listener.unreadable(this),
        error: (error) => this.state !== 'ending' && listener.died(this, String(/** @type {any} */ (error)?.message ?? error), error),
        exit: (code) => this.state !== 'ending' && listener.died(this, `it exited with code ${code}`, code),
      };
      for (const [type, handler] of Object.entries(this.#node)) w.on(type, handler);
    } else {
      throw new TypeError('WorkerPool: the worker factory must return a Worker or a worker_threads Worker, got '
        + (w === null ? 'null' : typeof w));
    }
  }

  /**
   * A Web Worker's events.
   * @param {Event} event
   */
  handleEvent(event) {
    if (this.state === 'ending') return;
    if (event.type === 'message') return this.#listener.message(this, /** @type {MessageEvent} */ (event).data);
    if (event.type === 'messageerror') return this.#listener.unreadable(this);
    // An uncaught error in the worker, or a script that failed to load. It
    // is handled here: Deno would otherwise end the whole program.
    event.preventDefault();
    const message = /** @type {ErrorEvent} */ (event).message;
    this.#listener.died(this, message || 'no reason was given (a script that failed to load?)', event);
  }

  /**
   * Posts `message`, moving `transfer`; throws what postMessage throws (a
   * DataCloneError) and then has posted nothing.
   * @param {unknown} message
   * @param {object[]} [transfer]
   */
  post(message, transfer = []) {
    this.#worker.postMessage(message, transfer);
  }

  /** Whether its worker can stop keeping the program alive (Node, Bun). */
  get holds() {
    return typeof this.#worker.unref === 'function';
  }

  /** Whether it keeps a Node or Bun program alive: while it holds a run. */
  hold(/** @type {boolean} */ busy) {
    const worker = this.#worker;
    if (busy) worker.ref?.();
    else worker.unref?.();
  }

  /**
   * Terminates the worker; resolves once it is gone (Node: its thread has
   * stopped; on the web, terminate() stops it at once). Later events are
   * ignored.
   */
  async terminate() {
    this.state = 'ending';
    const worker = this.#worker;
    const node = this.#node;
    if (node === null) {
      for (const type of WEB_EVENTS) /** @type {WebWorker} */ (worker).removeEventListener(type, this);
      worker.terminate();
      return;
    }
    // Keep listening until the thread has stopped: an 'error' event with
    // no listener would be thrown in this thread.
    try {
      await /** @type {NodeWorker} */ (worker).terminate();
    } finally {
      for (const [type, handler] of Object.entries(node)) /** @type {NodeWorker} */ (worker).off(type, handler);
    }
  }
}
