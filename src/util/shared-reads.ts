/**
 * Shares one read among callers that ask while another read of the same key is under way,
 * without ever handing a caller a read that began before it asked: a caller joins the read
 * queued to start next, or starts one itself when none runs. So each caller sees everything
 * committed before it asked, exactly as a read of its own would, and nothing is kept between
 * reads (safe with several servers on one database). N concurrent callers cost two reads.
 */
export class SharedReads<K, T> {
  private readonly queues = new Map<K, { next?: Promise<T> | undefined; running?: Promise<T> | undefined }>();

  constructor(private readonly load: (key: K) => Promise<T>) {}

  read(key: K): Promise<T> {
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = {}));
    const queue = q;
    if (queue.next) return queue.next;
    const start = (): Promise<T> => {
      queue.next = undefined;
      const p = this.load(key);
      queue.running = p;
      const done = () => {
        if (queue.running === p) queue.running = undefined;
      };
      p.then(done, done);
      return p;
    };
    if (!queue.running) return start();
    // The running read began before this caller asked: queue the next one behind it.
    const next = queue.running.then(start, start);
    queue.next = next;
    return next;
  }
}
