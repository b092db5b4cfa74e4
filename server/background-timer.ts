/** Calls `run` after `firstMs` and then every `everyMs`, without keeping the process alive; returns what stops it. */
export function repeatInBackground(firstMs: number, everyMs: number, run: () => void): () => void {
  const first = setTimeout(run, firstMs);
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
