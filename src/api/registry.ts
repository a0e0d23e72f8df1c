/**
 * COMMANDS: the one list of API commands, the concatenation of each area's literal list
 * (`areas.ts`). Lookup (case-insensitive, as CloudStack matches `command`), listApis and the
 * generated docs all come from it.
 */
import type { AnyCommand } from './define-command.js';
import { COMMAND_AREAS } from './areas.js';

export const COMMANDS: AnyCommand[] = COMMAND_AREAS.flatMap(([, cmds]) => cmds);

export class Registry {
  private readonly byLower = new Map<string, AnyCommand>();
  constructor(readonly commands: AnyCommand[]) {
    for (const c of commands) {
      const k = c.name.toLowerCase();
      if (this.byLower.has(k)) throw new Error(`command ${c.name} registered twice`);
      this.byLower.set(k, c);
    }
  }
  get(name: string): AnyCommand | undefined {
    return this.byLower.get(name.toLowerCase());
  }
}

let shared: Registry | undefined;
export function registry(): Registry {
  shared ??= new Registry(COMMANDS);
  return shared;
}
