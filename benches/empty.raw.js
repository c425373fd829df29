// A hand-written postMessage round trip: the worker answers each message
// with the message. Node (worker_threads) or a module worker.
const threads = globalThis.process?.getBuiltinModule?.('node:worker_threads');
if (threads?.parentPort) threads.parentPort.on('message', (message) => threads.parentPort.postMessage(message));
else globalThis.addEventListener('message', (event) => globalThis.postMessage(event.data));
