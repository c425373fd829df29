// The Run and Cancel buttons every demo page has. controls(run) calls
// run(settings form, signal, settled) on each submit: `signal` aborts when
// Cancel is pressed, and settled() disables Cancel early, once the part a
// cancel can stop is over. The buttons and the page's state
// (document.body.dataset.state and window.demo.state, which the headless
// run and the tests watch: 'idle', 'running', 'done') follow the run.

/**
 * @param {(form: HTMLFormElement, signal: AbortSignal, settled: () => void) => Promise<void>} run
 */
export function controls(run) {
  const form = document.querySelector('#settings');
  const runButton = document.querySelector('#run');
  const cancelButton = document.querySelector('#cancel');
  let cancel = null;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const controller = new AbortController();
    cancel = controller;
    runButton.disabled = true;
    cancelButton.disabled = false;
    document.body.dataset.state = window.demo.state = 'running';
    try {
      await run(form, controller.signal, () => { cancelButton.disabled = true; });
    } finally {
      cancel = null;
      runButton.disabled = false;
      cancelButton.disabled = true;
      document.body.dataset.state = window.demo.state = 'done';
    }
  });
  cancelButton.addEventListener('click', () => {
    cancel?.abort(new DOMException('cancelled with the Cancel button', 'AbortError'));
  });
  document.body.dataset.state = 'idle';
}
