// What crosses the thread boundary between a WorkerPool and the expose()
// of its workers, defined once for both sides. Messages are short arrays
// whose first item says what they are: a string no other message of the
// worker's script is likely to start with, so that a script may post its
// own (progress, say) beside the pool's. A worker runs one handler at a
// time, so no message names a run: it is about the worker's current one.
//
//   pool → worker   [RUN, name, input]    call handler `name` with `input`
//                   [ABORT, reason]       abort the current handler's signal
//   worker → pool   [READY]               expose() was called: send runs
//                   [DONE, value]         the handler returned `value`
//                   [FAIL, error]         it threw: `error`, encoded

export const RUN = 'wasm-errgroup:run';
export const ABORT = 'wasm-errgroup:abort';
export const READY = 'wasm-errgroup:ready';
export const DONE = 'wasm-errgroup:done';
export const FAIL = 'wasm-errgroup:fail';

/**
 * An error or abort reason as it crosses: errors and DOMExceptions as
 * their parts, which every engine clones the same way (structured clone
 * keeps an error's name only for the built-in classes, and its stack in
 * some engines only); any other value as is.
 * @typedef {{ kind: 'dom', name: string, message: string, stack: string | undefined }
 *   | { kind: 'error', name: string, message: string, stack: string | undefined,
 *       props: Record<string, string | number | boolean>, cause: Encoded | undefined }
 *   | { kind: 'value', value: unknown }} Encoded
 */

const toString = Object.prototype.toString;
/** How deep a chain of causes is kept. */
const CAUSES = 8;

/**
 * `value`, ready to be posted. Reads its fields once, and survives getters
 * that throw; runs no other user code.
 * @param {unknown} value
 * @returns {Encoded}
 */
export function encode(value, depth = 0) {
  const tag = safely(() => toString.call(value), '');
  if (tag === '[object DOMException]') {
    const error = /** @type {DOMException} */ (value);
    return { kind: 'dom', name: text(() => error.name, 'Error'), message: text(() => error.message, ''), stack: stackOf(error) };
  }
  if (tag === '[object Error]' || (typeof value === 'object' && value !== null && value instanceof Error)) {
    const error = /** @type {Error} */ (value);
    /** @type {Record<string, string | number | boolean>} */
    const props = {};
    for (const key of safely(() => Object.keys(error), /** @type {string[]} */ ([]))) {
      const field = safely(() => /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (error))[key], undefined);
      const type = typeof field;
      if (key !== 'name' && key !== 'message' && key !== 'stack' && key !== 'cause'
        && (type === 'string' || type === 'number' || type === 'boolean')) {
        props[key] = /** @type {string | number | boolean} */ (field);
      }
    }
    const hasCause = safely(() => 'cause' in error, false);
    return {
      kind: 'error',
      name: text(() => error.name, 'Error'),
      message: text(() => error.message, ''),
      stack: stackOf(error),
      props,
      cause: hasCause && depth < CAUSES ? encode(safely(() => error.cause, undefined), depth + 1) : undefined,
    };
  }
  return { kind: 'value', value };
}

/** Built-in error classes, rebuilt as themselves. */
const CLASSES = /** @type {Record<string, ErrorConstructor>} */ ({
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
});

/**
 * The value `encode` was given, rebuilt in this realm: an error of the same
 * class (or an `Error` with the same `name`), message, stack, cause and
 * primitive fields (such as Node's `code`); a DOMException with the same
 * name and message.
 * @param {Encoded} encoded
 * @returns {unknown}
 */
export function decode(encoded) {
  if (encoded.kind === 'value') return encoded.value;
  /** @type {Error} */
  let error;
  if (encoded.kind === 'dom') {
    error = /** @type {Error} */ (/** @type {unknown} */ (new DOMException(encoded.message, encoded.name)));
  } else {
    const Class = Object.hasOwn(CLASSES, encoded.name) ? CLASSES[encoded.name] : Error;
    error = encoded.cause === undefined
      ? new Class(encoded.message)
      : new Class(encoded.message, { cause: decode(encoded.cause) });
    if (error.name !== encoded.name) {
      Object.defineProperty(error, 'name', { value: encoded.name, writable: true, configurable: true });
    }
    Object.assign(error, encoded.props);
  }
  if (encoded.stack !== undefined) {
    Object.defineProperty(error, 'stack', { value: encoded.stack, writable: true, configurable: true });
  }
  return error;
}

/**
 * @template T
 * @param {() => T} read
 * @param {T} fallback
 * @returns {T}
 */
function safely(read, fallback) {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/**
 * @param {() => unknown} read
 * @param {string} fallback
 */
function text(read, fallback) {
  const value = safely(read, fallback);
  return typeof value === 'string' ? value : fallback;
}

/** @param {Error} error */
function stackOf(error) {
  const stack = safely(() => error.stack, undefined);
  return typeof stack === 'string' ? stack : undefined;
}
