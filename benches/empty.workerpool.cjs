// The same empty handler for workerpool 10, in Node.
const workerpool = require('workerpool');

workerpool.worker({ empty: () => undefined });
