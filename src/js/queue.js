// Queue: a FIFO of pairs in a ring buffer. Adding is two stores and taking
// one; nothing moves until the buffer is full, when it doubles, and a long
// queue that empties gives its memory back. No builtin is called on the
// way, so a full JS stack stops a call here at its entry or not at all.

const SMALL = 8;
/** The buffer of every queue that never held anything. */
const NONE = /** @type {unknown[]} */ (/** @type {unknown} */ (Object.freeze([])));

export class Queue {
  /** @type {unknown[]} A power of two long, or empty. */
  #items = NONE;
  /** Index of the oldest item. */
  #head = 0;
  /** How many items are in the buffer: twice the pairs. */
  #size = 0;

  /** How many pairs are in the queue. */
  get length() {
    return this.#size >> 1;
  }

  /**
   * Adds a pair.
   * @param {unknown} first
   * @param {unknown} second
   */
  push(first, second) {
    if (this.#size === this.#items.length) this.#grow();
    const items = this.#items;
    // Pairs start at even indexes of an even-length buffer: `at + 1` never wraps.
    const at = (this.#head + this.#size) & (items.length - 1);
    items[at] = first;
    items[at + 1] = second;
    this.#size += 2;
  }

  /**
   * Takes the oldest item: a pair's first, then its second. Whoever takes
   * knows the pairing.
   * @returns {any}
   */
  shift() {
    if (this.#size === 0) return undefined;
    const items = this.#items;
    const head = this.#head;
    const item = items[head];
    items[head] = undefined;
    this.#head = (head + 1) & (items.length - 1);
    if (--this.#size === 0 && items.length > 1024) {
      this.#items = NONE;
      this.#head = 0;
    }
    return item;
  }

  /** Doubles the buffer, oldest item first. */
  #grow() {
    const items = this.#items;
    const grown = new Array(Math.max(items.length * 2, SMALL));
    for (let i = 0; i < this.#size; i++) grown[i] = items[(this.#head + i) & (items.length - 1)];
    this.#items = grown;
    this.#head = 0;
  }
}
