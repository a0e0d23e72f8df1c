/** Polls `f` until it returns something truthy, failing with `what` after `ms`. */
export async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 30_000, every = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
