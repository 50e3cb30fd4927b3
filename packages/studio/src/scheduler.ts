/**
 * Runs an async job so that at most one is in flight and only the newest request runs after it: a slider dragged
 * faster than G draws skips stale frames instead of queueing them.
 */
export function latestOnly(job: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await job();
      } while (again);
    } catch (e) {
      console.error(e);
    } finally {
      running = false;
    }
  };
  return () => void run();
}
