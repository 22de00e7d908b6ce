/**
 * Keeps Node running until `work` settles. The local servers' child processes are unref'd so a forgotten
 * one never holds a process open; the flip side is that a script whose only pending work is waiting on
 * such a child (label-studio init, the first time) would see Node exit mid-wait with code 0.
 */
export async function keepAliveWhile<T>(work: Promise<T>): Promise<T> {
  const timer = setInterval(() => undefined, 60_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
