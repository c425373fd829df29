// Input checks: one validator per concept, one message shape, and values
// described without running user code.

/**
 * The getters of AbortSignal.prototype's chain: an own property of the
 * prototype in browsers, Node and jsdom; inherited from a parent class in
 * happy-dom.
 * @param {string} name
 */
function getter(name) {
  for (let proto = AbortSignal.prototype; proto !== null; proto = Object.getPrototypeOf(proto)) {
    const get = Object.getOwnPropertyDescriptor(proto, name)?.get;
    if (get !== undefined) return get;
  }
  throw new TypeError(`wasm-errgroup: AbortSignal has no ${name} getter here`);
}

/** `signal.aborted`, for an AbortSignal checked already. */
export const abortedOf = /** @type {(this: AbortSignal) => boolean} */ (getter('aborted'));
/** `signal.reason`, for an AbortSignal checked already. */
export const reasonOf = /** @type {(this: AbortSignal) => unknown} */ (getter('reason'));

/**
 * Whether `value` is an AbortSignal, of this realm or another (an
 * iframe's): the `aborted` getter answers a boolean for it. In browsers,
 * Node and jsdom, the getter checks its brand and throws for anything else,
 * including a Proxy of a signal, whose methods would throw later; in
 * happy-dom it reads a field only its signals have, and answers `undefined`
 * for anything else, a look-alike `{ aborted: false }` too.
 * @param {unknown} value
 * @returns {value is AbortSignal}
 */
export function isAbortSignal(value) {
  try {
    return typeof abortedOf.call(/** @type {AbortSignal} */ (value)) === 'boolean';
  } catch {
    return false;
  }
}

/**
 * `value`, if it is an AbortSignal; `undefined` for undefined and null.
 * @param {unknown} value
 * @param {string} what
 * @returns {AbortSignal | undefined}
 */
export function checkSignal(value, what) {
  if (value === undefined || value === null) return undefined;
  if (!isAbortSignal(value)) throw typeError(`${what} must be an AbortSignal, undefined or null, got `, value);
  return value;
}

/**
 * @param {unknown} value
 * @returns {value is object}
 */
export function isObject(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

/**
 * The one rule for limits: a whole number from `min` up, or `Infinity`.
 * A non-number is a TypeError; NaN, a fraction or less than `min` a
 * RangeError.
 * @param {unknown} n
 * @param {number} min
 * @param {string} what
 * @returns {number}
 */
export function checkLimit(n, min, what) {
  if (typeof n !== 'number') {
    throw typeError(`${what} must be a number (a whole number from ${min} up, or Infinity), got `, n);
  }
  if (!(n >= min) || (n !== Infinity && !Number.isInteger(n))) {
    throw rangeError(`${what} must be a whole number from ${min} up, or Infinity, got `, n);
  }
  return n;
}

/**
 * @param {unknown} task
 * @param {string} what
 * @returns {Function}
 */
export function checkFunction(task, what) {
  if (typeof task !== 'function') throw typeError(`${what} must be a function, got `, task);
  return task;
}

/**
 * A short description of a value for an error message; runs no user code.
 * @param {unknown} value
 */
function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return typeof value;
}

/**
 * @param {string} message
 * @param {unknown} value
 */
export function typeError(message, value) {
  return new TypeError(message + describe(value));
}

/**
 * @param {string} message
 * @param {unknown} value
 */
export function rangeError(message, value) {
  return new RangeError(message + describe(value));
}
