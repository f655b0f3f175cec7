// The deploy queue: one deployment at a time per slot, slots in parallel up to a limit, and at most one waiting per
// slot — a newer request replaces the waiting one, so a burst of pushes builds the newest commit once.
export interface DeployJob {
  id: string;
  slot: string;
  /** Does the work; the signal aborts when the job is cancelled or berth stops. */
  execute(signal: AbortSignal): Promise<void>;
  /** Called instead of execute when the job leaves the queue without running (replaced, cancelled, shutdown). */
  dropped(why: 'superseded' | 'cancelled' | 'shutdown'): void;
}

interface SlotQueue {
  running: { job: DeployJob; controller: AbortController; done: Promise<void> } | null;
  waiting: DeployJob | null;
}

export function createDeployQueue(options: { concurrency: number }) {
  const slots = new Map<string, SlotQueue>();
  /** Slots whose waiting job is ready to run as soon as a parallel place frees up, oldest first. */
  const ready: string[] = [];
  let active = 0;
  let closed = false;

  const queueOf = (slot: string): SlotQueue => {
    let queue = slots.get(slot);
    if (!queue) slots.set(slot, (queue = { running: null, waiting: null }));
    return queue;
  };

  function pump(): void {
    while (active < options.concurrency && ready.length > 0) {
      const slot = ready.shift()!;
      const queue = queueOf(slot);
      const job = queue.waiting;
      if (!job || queue.running) continue;
      queue.waiting = null;
      active++;
      const controller = new AbortController();
      const done = job
        .execute(controller.signal)
        .catch(() => undefined)
        .finally(() => {
          active--;
          queue.running = null;
          if (queue.waiting && !closed) ready.push(slot);
          pump();
        });
      queue.running = { job, controller, done };
    }
  }

  return {
    /** Queues a job; returns the waiting job it replaced, if any. */
    enqueue(job: DeployJob): DeployJob | null {
      if (closed) {
        job.dropped('shutdown');
        return null;
      }
      const queue = queueOf(job.slot);
      const replaced = queue.waiting;
      queue.waiting = job;
      if (replaced) replaced.dropped('superseded');
      else if (!queue.running) ready.push(job.slot);
      pump();
      return replaced;
    },
    /** The slot's job waiting for its turn, if any. */
    waiting(slot: string): DeployJob | null {
      return slots.get(slot)?.waiting ?? null;
    },
    /** Stops the slot's running job (its step's process tree is killed) and drops the waiting one; returns their ids. */
    cancel(slot: string): string[] {
      const queue = queueOf(slot);
      const ids: string[] = [];
      if (queue.waiting) {
        ids.push(queue.waiting.id);
        queue.waiting.dropped('cancelled');
        queue.waiting = null;
      }
      if (queue.running && !queue.running.controller.signal.aborted) {
        ids.push(queue.running.job.id);
        queue.running.controller.abort();
      }
      return ids;
    },
    runningId(slot: string): string | null {
      return slots.get(slot)?.running?.job.id ?? null;
    },
    waitingId(slot: string): string | null {
      return slots.get(slot)?.waiting?.id ?? null;
    },
    /** Shutdown: nothing new starts, waiting jobs are dropped, running ones are aborted and awaited. */
    async close(): Promise<void> {
      closed = true;
      const running: Promise<void>[] = [];
      for (const queue of slots.values()) {
        queue.waiting?.dropped('shutdown');
        queue.waiting = null;
        if (queue.running) {
          queue.running.controller.abort('shutdown');
          running.push(queue.running.done);
        }
      }
      await Promise.all(running);
    },
  };
}

export type DeployQueue = ReturnType<typeof createDeployQueue>;
