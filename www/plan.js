// A batch of requests to the demo server's mock API (www/server.mjs), made
// from the page's controls, the same for every contender.

/** The controls' values, read from the form. */
export function readSettings(form) {
  const data = new FormData(form);
  const int = (name, fallback) => {
    const n = Number.parseInt(data.get(name), 10);
    return Number.isFinite(n) ? n : fallback;
  };
  return {
    count: Math.min(Math.max(int('count', 10), 1), 30),
    limit: data.get('limit') === 'none' ? Infinity : Math.min(Math.max(int('limit', 3), 1), 30),
    failAt: int('failAt', 5),
    failAfter: Math.max(int('failAfter', 300), 0),
    failBy: data.get('failBy') === 'drop' ? 'drop' : 'fail',
    group: data.get('group') === 'zero' ? 'zero' : 'withSignal',
    via: data.get('via') === 'map' ? 'map' : 'go',
    timeout: Math.max(int('timeout', 0), 0),
  };
}

/**
 * The requests of one batch: request `failAt` fails after `failAfter` ms,
 * request 3 streams its body slowly, the others answer after 200 to 800 ms.
 */
export function makePlan(settings, batch) {
  const requests = [];
  for (let id = 1; id <= settings.count; id++) {
    const failing = id === settings.failAt;
    const kind = failing ? settings.failBy : id === 3 ? 'stream' : 'ok';
    const ms = failing ? settings.failAfter : 200 + ((id * 173) % 600);
    const path = `/api/req?batch=${encodeURIComponent(batch)}&id=${id}&kind=${kind}&ms=${ms}`;
    requests.push({ id, kind, ms, path });
  }
  return requests;
}

/** Fetches one planned request; throws on a failure, as a task would. */
export async function fetchRequest(request, signal) {
  const response = await fetch(request.path, { signal });
  if (!response.ok) throw new Error(`request ${request.id} answered HTTP ${response.status}`);
  await response.text();
}
