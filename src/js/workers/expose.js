// The worker side: expose() answers a WorkerPool's runs with named
// handlers, one at a time, each with an AbortSignal that aborts when the
// caller's does (the pool relays it as a message).
import { checkFunction, isObject, typeError } from '../checks.js';
import { ABORT, DONE, FAIL, READY, RUN, decode, encode } from './wire.js';

/** A handler's result with the objects to transfer rather than copy: see transfer(). */
class Transfer {
  /**
   * @param {unknown} value
   * @param {object[]} list
   */
  constructor(value, list) {
    this.value = value;
    this.list = list;
  }
}

/**
 * Marks a handler's result so that the objects in `list` (ArrayBuffers,
 * MessagePorts...) are transferred to the caller rather than copied.
 * @param {unknown} value
 * @param {unknown} list
 */
export function transfer(value, list) {
  if (!Array.isArray(list)) throw typeError('transfer: list must be an array, got ', list);
  return new Transfer(value, list);
}

/**
 * The port this worker talks to its pool through: the worker's own scope
 * (browsers, Deno, Bun), or worker_threads' parentPort (Node). `listen`
 * hears messages, and messages that could not be deserialized here.
 * @returns {{ post(message: unknown, transfer?: object[]): void,
 *   listen(receive: (data: unknown) => void, unreadable: () => void): void } | null}
 */
function parentPort() {
  const scope = /** @type {any} */ (globalThis);
  if (typeof scope.WorkerGlobalScope === 'function' && scope instanceof scope.WorkerGlobalScope) {
    return {
      post: (message, list = []) => scope.postMessage(message, list),
      listen(receive, unreadable) {
        scope.addEventListener('message', (/** @type {MessageEvent} */ event) => receive(event.data));
        scope.addEventListener('messageerror', unreadable);
      },
    };
  }
  const port = scope.process?.getBuiltinModule?.('node:worker_threads')?.parentPort;
  if (port === null || port === undefined) return null;
  return {
    post: (message, list = []) => port.postMessage(message, list),
    listen(receive, unreadable) {
      port.on('message', receive);
      port.on('messageerror', unreadable);
    },
  };
}

let exposed = false;

/**
 * Answers the pool's runs with `handlers`, an object of functions
 * `(input, signal) => result`. Call it once, in the worker's script.
 * @param {unknown} handlers
 */
export function expose(handlers) {
  if (!isObject(handlers)) throw typeError('expose: handlers must be an object of functions, got ', handlers);
  /** @type {Map<string, Function>} */
  const table = new Map();
  for (const name of Object.keys(handlers)) {
    table.set(name, checkFunction(/** @type {Record<string, unknown>} */ (handlers)[name], `expose: handlers.${name}`));
  }
  if (exposed) throw new Error('expose: it was called already in this worker');
  const port = parentPort();
  if (port === null) throw new Error('expose: this is not a worker; call it in the script a WorkerPool starts');
  exposed = true;

  /** @type {AbortController | null} The running handler's. */
  let current = null;

  /** @param {unknown} error */
  const fail = (error) => {
    current = null;
    try {
      port.post([FAIL, encode(error)]);
    } catch (cloneError) {
      // A thrown value that cannot be cloned: the caller gets the DataCloneError.
      port.post([FAIL, encode(cloneError)]);
    }
  };
  /** @param {unknown} result */
  const done = (result) => {
    current = null;
    try {
      if (result instanceof Transfer) port.post([DONE, result.value], result.list);
      else port.post([DONE, result]);
    } catch (error) {
      port.post([FAIL, encode(error)]);
    }
  };

  port.listen((data) => {
    if (!Array.isArray(data)) return;
    if (data[0] === ABORT) {
      current?.abort(decode(data[1]));
      return;
    }
    if (data[0] !== RUN || current !== null) return;
    const [, name, input] = data;
    const handler = table.get(name);
    if (handler === undefined) {
      fail(new TypeError(`WorkerPool.run: the worker has no handler ${JSON.stringify(name)}; it has ${
        [...table.keys()].map((key) => JSON.stringify(key)).join(', ') || 'none'}`));
      return;
    }
    const controller = new AbortController();
    current = controller;
    let result;
    try {
      result = handler(input, controller.signal);
    } catch (error) {
      fail(error);
      return;
    }
    Promise.resolve(result).then(done, fail);
  }, () => {
    // A message that could not be deserialized here: a run's input (no
    // handler is running), or an abort's reason.
    if (current === null) fail(new DOMException('the input could not be deserialized in the worker', 'DataCloneError'));
    else current.abort(new DOMException('the caller aborted, with a reason that could not be deserialized in the worker', 'AbortError'));
  });
  port.post([READY]);
}
