import { ErrGroup, type MapOptions } from 'wasm-errgroup';
const g: ErrGroup = ErrGroup.withSignal(AbortSignal.timeout(10));
const first: ErrGroup = ErrGroup.withSignal();
const none: ErrGroup = ErrGroup.withSignal(null);
const zero = new ErrGroup();
zero.setLimit(Infinity);
const limit: number = zero.limit;
const options: MapOptions = { limit: 2, signal: AbortSignal.timeout(10) };
const fromPromises: Promise<number[]> = ErrGroup.map([Promise.resolve(1), 2], (x) => x + 1, options);
const chars: Promise<string[]> = ErrGroup.map('ab', (c) => c.toUpperCase());
{
  using scoped = new ErrGroup();
  scoped.go(() => undefined);
}
void first; void none; void limit; void fromPromises; void chars;
const nothing: void = g.go(async (signal: AbortSignal) => { signal.throwIfAborted(); });
const ready: Promise<void> = g.ready();
void nothing; void ready;
const ok: boolean = g.tryGo(() => 1);
g.setLimit(3);
const s: AbortSignal = g.signal;
const n: number = g.active + g.queued;
const r: Promise<number[]> = ErrGroup.map([1, 2], async (x, i, sig) => x + i);
const r2: Promise<string[]> = ErrGroup.map((async function* () { yield 1; })(), (x) => String(x), { limit: 2 });
g.go(() => 1, { timeout: 100 });
g.abort();
g.abort(new Error('stop'));
const counts: number = g.succeeded + g.failed + g.skipped;
const settledAll: Promise<PromiseSettledResult<number>[]> = ErrGroup.mapSettled([1, 2], async (x) => x, { timeout: 10 });
async function stream(): Promise<void> {
  for await (const n of ErrGroup.mapIterable([1, 2], async (x) => x * 2, { limit: 2, ordered: false })) {
    const doubled: number = n;
    void doubled;
  }
  for await (const entry of ErrGroup.mapIterable([1], (x) => String(x), { settled: true })) {
    const outcome: PromiseSettledResult<string> = entry;
    void outcome;
  }
  await using owned = ErrGroup.withSignal();
  owned.go(async () => {});
}
void counts; void settledAll; void stream;
// @ts-expect-error timeout is a number
g.go(() => 1, { timeout: '10' });
// @ts-expect-error a task must be a function
g.go(42);
// @ts-expect-error go() returns nothing, as Go's Go
g.go(() => 1).then(() => {});
// @ts-expect-error limit is a number
g.setLimit('3');
// @ts-expect-error signal is read-only
g.signal = new AbortController().signal;
// @ts-expect-error map results follow the mapper's type
const bad: Promise<string[]> = ErrGroup.map([1], (x) => x);
