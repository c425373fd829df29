import { ErrGroup } from 'wasm-errgroup';
const g: ErrGroup = ErrGroup.withSignal(AbortSignal.timeout(10));
const p: Promise<void> = g.go(async (signal: AbortSignal) => { signal.throwIfAborted(); });
const ok: boolean = g.tryGo(() => 1);
g.setLimit(3);
const s: AbortSignal = g.signal;
const n: number = g.active + g.queued;
const r: Promise<number[]> = ErrGroup.map([1, 2], async (x, i, sig) => x + i);
const r2: Promise<string[]> = ErrGroup.map((async function* () { yield 1; })(), (x) => String(x), { limit: 2 });
// @ts-expect-error a task must be a function
g.go(42);
// @ts-expect-error limit is a number
g.setLimit('3');
// @ts-expect-error signal is read-only
g.signal = new AbortController().signal;
// @ts-expect-error map results follow the mapper's type
const bad: Promise<string[]> = ErrGroup.map([1], (x) => x);
