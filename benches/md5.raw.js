// MD5All's digest in a hand-written worker, no pool: it digests each file
// it is posted and posts back the digest. The bench's ceiling: what two
// threads give on this machine, with the same digest. Node or a module worker.
import { digest, loadMd5 } from '../examples/md5all/digest.js';

const Md5 = await loadMd5(new URL('../target/md5all/md5.worker.js', import.meta.url));
const port = globalThis.process?.getBuiltinModule?.('node:worker_threads')?.parentPort ?? globalThis;
const digestOne = async (file) => port.postMessage(await digest(Md5, file));
if (port === globalThis) globalThis.addEventListener('message', (event) => digestOne(event.data));
else port.on('message', digestOne);
port.postMessage('ready');
