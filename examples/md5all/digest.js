// The MD5 of one file with the Rust `Md5` (src/lib.rs), reading it in
// chunks and stopping at the first chunk after `signal` aborts. The `md5`
// handler of md5.worker.js runs it in each worker; the bench runs it on
// one thread too, to compare.

/**
 * @param {typeof import('./pkg/wasm_errgroup_md5all.js').Md5} Md5
 * @param {Blob | ReadableStream<Uint8Array> | ArrayBuffer | ArrayBufferView | string} file
 *   a Blob (a File), a stream of bytes (a fetch's body), bytes, or in Node a
 *   file's path (Node cannot post a Blob backed by a file)
 * @param {AbortSignal} [signal]
 * @returns {Promise<string>} 32 hex digits
 */
export async function digest(Md5, file, signal) {
  const md5 = new Md5();
  try {
    if (typeof file === 'string') {
      const fs = globalThis.process.getBuiltinModule('node:fs');
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
        signal?.throwIfAborted();
        md5.update(chunk);
      }
    } else if (file instanceof Blob || file instanceof ReadableStream) {
      const reader = (file instanceof Blob ? file.stream() : file).getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          signal?.throwIfAborted();
          md5.update(value);
        }
      } finally {
        reader.releaseLock();
      }
    } else {
      md5.update(ArrayBuffer.isView(file) ? new Uint8Array(file.buffer, file.byteOffset, file.byteLength) : new Uint8Array(file));
    }
    return md5.hex();
  } finally {
    md5.free();
  }
}

/**
 * Loads the Rust digest's wasm (from beside `base`, a module URL) and
 * returns its `Md5` class.
 * @param {string | URL} base
 */
export async function loadMd5(base) {
  const { default: init, Md5 } = await import('./pkg/wasm_errgroup_md5all.js');
  const wasm = new URL('./wasm_errgroup_md5all_bg.wasm', base);
  // Node's fetch cannot read a file: URL; browsers, Deno and Bun fetch it.
  const fs = /** @type {any} */ (globalThis).process?.getBuiltinModule?.('node:fs');
  await init({ module_or_path: fs ? fs.readFileSync(wasm) : wasm });
  return Md5;
}
