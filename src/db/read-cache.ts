/**
 * Results of chosen SQLite reads kept until a table they read is written: the rows of a
 * signed request's API-key lookup and of a page of accounts change far less often than they
 * are read (issue #2 bench: the reads were a third of a signed `listAccounts`). Valid because
 * SQLite here has one writer that we see (the management server's own connection: a second
 * server is refused by the data directory's lock) — every write statement passes through
 * `noteWrite` before it runs — and any other process's commit shows in `PRAGMA data_version`,
 * which empties the cache. PostgreSQL and MySQL serve farms of servers: they have no such
 * cache.
 *
 * Versions: one counter ticks on every write; a table remembers the tick of its last write,
 * and a cached result the tick it was read at. A result is fresh while none of its tables
 * (and no write of unknown tables: DDL, a statement we cannot parse) is newer.
 */

/**
 * The tables a statement may read: every word of its SQL that names a table (more than it
 * reads, when a column shares a table's name: harmless, a result is dropped sooner). Undefined
 * when it names a view, whose tables are not in the SQL: such a read is not kept.
 */
export function tablesNamed(sql: string, schema: ReadonlyMap<string, 'table' | 'view'>): string[] | undefined {
  const out = new Set<string>();
  for (const [word] of sql.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const kind = schema.get(word);
    if (kind === 'view') return undefined;
    if (kind === 'table') out.add(word);
  }
  return [...out];
}

/** The one table a write statement changes, or undefined when the SQL does not say plainly. */
export function tableWritten(sql: string): string | undefined {
  const m = /^\s*(?:insert(?:\s+or\s+\w+)?\s+into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+"?([A-Za-z0-9_]+)"?[\s(]/i.exec(sql);
  return m?.[1];
}

interface Entry {
  tick: number;
  tables: readonly string[];
  rows: readonly unknown[];
}

export class ReadCache {
  private tick = 0;
  /** Tick of the last write of unknown tables (or of another process). */
  private allWritten = 0;
  private readonly written = new Map<string, number>();
  private readonly entries = new Map<string, Map<string, Entry>>();
  private size = 0;

  /** Tables each cached statement may read; undefined: not cacheable. */
  private readonly tablesBySql = new Map<string, readonly string[] | undefined>();
  private schema: ReadonlyMap<string, 'table' | 'view'> | undefined;

  constructor(
    /** PRAGMA data_version of the connection: changes when another connection commits. */
    private readonly dataVersion: () => number,
    /** The names of the database's tables and views (sqlite_schema). */
    private readonly readSchema: () => ReadonlyMap<string, 'table' | 'view'>,
    private readonly maxEntries = 2000,
    /** Larger results are not kept: the cache is for small, hot reads. */
    private readonly maxRows = 100,
  ) {
    this.lastDataVersion = dataVersion();
  }

  private lastDataVersion: number;

  /** Called before every statement that may write runs on the connection. */
  noteWrite(sql: string): void {
    const t = tableWritten(sql);
    this.tick++;
    if (t !== undefined) {
      this.written.set(t, this.tick);
      return;
    }
    // DDL, or a statement we cannot read: every result goes, and tables may have come or gone.
    this.allWritten = this.tick;
    this.schema = undefined;
    this.tablesBySql.clear();
  }

  /** The tables `sql` may read, or undefined when its results cannot be kept. */
  tablesOf(sql: string): readonly string[] | undefined {
    if (this.tablesBySql.has(sql)) return this.tablesBySql.get(sql);
    this.schema ??= this.readSchema();
    const tables = tablesNamed(sql, this.schema);
    this.tablesBySql.set(sql, tables);
    return tables;
  }

  /**
   * The cached rows for this read, or undefined. Either way, `now` is then the tick to
   * stamp a result read right after this call with.
   */
  get(sql: string, key: string): readonly unknown[] | undefined {
    this.checkOtherWriters();
    const e = this.entries.get(sql)?.get(key);
    if (!e || this.allWritten > e.tick) return undefined;
    for (const t of e.tables) if ((this.written.get(t) ?? 0) > e.tick) return undefined;
    return e.rows;
  }

  get now(): number {
    return this.tick;
  }

  /** Keeps rows read at `tick` (frozen: callers share them). */
  set(sql: string, key: string, rows: unknown[], tick: number): void {
    const tables = this.tablesOf(sql);
    if (!tables || rows.length > this.maxRows) return;
    for (const r of rows) Object.freeze(r);
    if (!this.entries.get(sql)?.has(key)) {
      // Full: start afresh rather than track ages; the hot reads come back at once.
      if (this.size >= this.maxEntries) this.clear();
      this.size++;
    }
    let bySql = this.entries.get(sql);
    if (!bySql) this.entries.set(sql, (bySql = new Map()));
    bySql.set(key, { tick, tables, rows: Object.freeze(rows) });
  }

  // Once per turn of the event loop: the pragma costs more than a cached read saves when
  // asked for each of a request's reads, and the reads of one turn may all be answered as of
  // its start (our own writes still count at once, through noteWrite).
  private checkedThisTurn = false;
  private readonly turnOver = () => {
    this.checkedThisTurn = false;
  };

  private checkOtherWriters(): void {
    if (this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    setImmediate(this.turnOver);
    const v = this.dataVersion();
    if (v !== this.lastDataVersion) {
      this.lastDataVersion = v;
      this.allWritten = ++this.tick;
      this.schema = undefined;
      this.tablesBySql.clear();
    }
  }

  private clear(): void {
    this.entries.clear();
    this.size = 0;
  }
}

/** The cache key of a statement's parameters (numbers, strings, null; never objects). */
export function parameterKey(parameters: readonly unknown[]): string | undefined {
  let key = '';
  for (const p of parameters) {
    if (typeof p === 'number') key += `n${p}\u0000`;
    else if (typeof p === 'string') key += `s${p}\u0000`;
    else if (p === null) key += 'z\u0000';
    else return undefined;
  }
  return key;
}
