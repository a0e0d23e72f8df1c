/**
 * Kysely compiles every query's whole operation tree to SQL on each execution. The base
 * queries the services reuse (a memoised builder with a long column list and joins) hand
 * the compiler the very same frozen node arrays every time, so their SQL text is kept per
 * array and appended directly: a quarter of the time of a signed `listAccounts` went into
 * compiling (issue #2 bench). Kysely node arrays are immutable (every builder step makes a
 * new array), so one array always compiles to the same text, except when it carries bound
 * parameters, whose placeholders may be numbered ($1, $2 on PostgreSQL): those lists are
 * never cached.
 */
import type { DefaultQueryCompiler, OperationNode } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern requires it
type CompilerClass = new (...args: any[]) => DefaultQueryCompiler;

/** A compiler class like `Base` that remembers the SQL of parameter-free node lists. */
export function withListCache<C extends CompilerClass>(Base: C): C {
  const cache = new WeakMap<ReadonlyArray<OperationNode>, { separator: string; sql: string }>();
  return class extends Base {
    protected override compileList(nodes: ReadonlyArray<OperationNode>, separator = ', '): void {
      if (nodes.length < 2) return super.compileList(nodes, separator);
      const hit = cache.get(nodes);
      if (hit !== undefined && hit.separator === separator) return this.append(hit.sql);
      const start = this.getSql().length;
      const params = this.numParameters;
      super.compileList(nodes, separator);
      if (this.numParameters === params) cache.set(nodes, { separator, sql: this.getSql().slice(start) });
    }
  };
}
