// Runs async work one piece at a time, in the order it was asked for.
export function createSerialLock() {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  return {
    get busy(): boolean {
      return pending > 0;
    },
    run<T>(work: () => Promise<T>): Promise<T> {
      pending++;
      const result = tail.then(work, work);
      tail = result.then(
        () => pending--,
        () => pending--,
      );
      return result;
    },
  };
}
