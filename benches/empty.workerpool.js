// The same empty handler for workerpool 10, in browsers (a classic worker).
importScripts('/benches/node_modules/workerpool/dist/workerpool.min.js');
workerpool.worker({ empty: () => undefined });
