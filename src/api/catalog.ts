/**
 * Read access to CloudStack's command and response catalog (`shared/reference/api`), used by
 * the registry test to hold every registered command to CloudStack's wire contract. The
 * catalog sits beside the repository (`../shared/reference/api`); `NIMBO_REFERENCE_DIR`
 * overrides the location.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export interface CatalogParam {
  name: string;
  type: string;
  collectionType?: string;
  required: boolean;
  authorized?: string[];
}

export interface CatalogCommand {
  name: string;
  className: string;
  isAsync: boolean;
  extends: string[];
  responseObject: string | null;
  actualResponseClass?: string;
  responseObjectName: string;
  responseObjectNames?: string[] | null;
  objectNamesSetInCmd?: string[] | null;
  listItemObjectNames?: string[] | null;
  /** Item classes a list command may answer (e.g. LoadBalancerRuleVmMapResponse or UserVmResponse). */
  listResponseItemClasses?: string[] | null;
  responseShape?: string;
  defaultRoleAccess: Record<string, boolean>;
  params: CatalogParam[];
}

export interface CatalogField {
  name: string;
  type: string;
}

export interface CatalogResponse {
  className: string;
  extends: string[];
  objectNames: string[];
  fields: CatalogField[];
  inheritedFields?: CatalogField[];
}

export interface Catalog {
  /** All classes of one API name (user and ByAdmin variants). */
  commands: Map<string, CatalogCommand[]>;
  responses: Map<string, CatalogResponse>;
}

/** The catalog directory: `$NIMBO_REFERENCE_DIR` or `<repo>/../shared/reference/api`. */
export function catalogDir(): string {
  const env = process.env['NIMBO_REFERENCE_DIR'];
  if (env) return resolve(env);
  // This file compiles to dist/src/api/catalog.js; the repository root is three levels up.
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  return join(root, '..', 'shared', 'reference', 'api');
}

export function loadCatalog(dir = catalogDir()): Catalog {
  const cmds = JSON.parse(readFileSync(join(dir, 'commands.json'), 'utf8')) as { commands: CatalogCommand[] };
  const resps = JSON.parse(readFileSync(join(dir, 'responses.json'), 'utf8')) as { responses: CatalogResponse[] };
  const commands = new Map<string, CatalogCommand[]>();
  for (const c of cmds.commands) commands.set(c.name, [...(commands.get(c.name) ?? []), c]);
  const responses = new Map<string, CatalogResponse>();
  for (const r of resps.responses) if (!responses.has(r.className)) responses.set(r.className, r);
  return { commands, responses };
}

/** Every wire field of a response class: its own, its superclasses' and BaseResponse's jobid/jobstatus. */
export function responseFields(cat: Catalog, className: string): Map<string, string> {
  const out = new Map<string, string>([['jobid', 'string'], ['jobstatus', 'integer']]);
  const seen = new Set<string>();
  const visit = (name: string) => {
    const r = cat.responses.get(name);
    if (!r || seen.has(name)) return;
    seen.add(name);
    for (const f of [...r.fields, ...(r.inheritedFields ?? [])]) if (!out.has(f.name)) out.set(f.name, f.type);
    for (const sup of r.extends) visit(sup);
  };
  visit(className);
  return out;
}

const TYPE_GROUPS: string[][] = [
  ['string', 'uuid', 'url'],
  ['integer', 'long', 'short'],
  ['double', 'float', 'bigdecimal'],
  ['list', 'set', 'string[]', 'long[]', 'double[]', 'java.util.set'],
  ['object', 'responseobject', 'map'],
  ['boolean'],
  ['date'],
];

/** Whether a field we declare serialises the same JSON kind as CloudStack's field. */
export function compatibleFieldType(ours: string, theirs: string): boolean {
  const a = ours.toLowerCase();
  const b = theirs.toLowerCase();
  if (a === b) return true;
  return TYPE_GROUPS.some((g) => g.includes(a) && g.includes(b));
}
