// One scenario every package setup runs: a limit, the first failure kept and
// used as the abort reason, and map() over a lazy async iterable.
export async function scenario(ErrGroup) {
  const out = {};
  const group = ErrGroup.withSignal();
  group.setLimit(2);
  let running = 0;
  let peak = 0;
  const failure = new Error('boom');
  for (let i = 0; i < 6; i++) {
    group.go(async () => {
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      if (i === 3) throw failure;
    });
  }
  try {
    await group.wait();
    out.wait = 'resolved';
  } catch (error) {
    out.wait = error === failure ? 'first failure' : String(error);
  }
  out.peak = peak;
  out.reasonIsFailure = group.signal.reason === failure;
  async function* numbers() {
    for (let i = 0; i < 5; i++) yield i;
  }
  out.map = await ErrGroup.map(numbers(), async (x) => x * 2, { limit: 2 });
  return out;
}

export const expected = { wait: 'first failure', peak: 2, reasonIsFailure: true, map: [0, 2, 4, 6, 8] };
