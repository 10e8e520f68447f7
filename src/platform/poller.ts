/**
 * Runs `pass` again and again in the background: at once when it reports more work waiting, else after
 * `intervalMs`. The returned function stops it and resolves when the pass under way has finished (call it before
 * closing the database). `pass` must not throw: background workers log their own failures.
 */
export function startPoller(pass: () => Promise<{ busy: boolean }>, intervalMs: number): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      current = pass()
        .then(({ busy }) => schedule(busy ? 0 : intervalMs))
        .finally(() => { current = null; });
    }, delay);
    timer.unref();
  };
  schedule(Math.min(intervalMs, 1_000));
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
    await current;
  };
}
