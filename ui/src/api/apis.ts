/**
 * `listApis` metadata: which commands the caller may use, whether they are async, and their
 * parameters with types and required flags. Forms validate from it and menus hide what the
 * caller's role cannot call.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from './client';

export interface ApiParam {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

export interface ApiMeta {
  name: string;
  isasync: boolean;
  params: ApiParam[];
}

async function fetchApis(): Promise<Map<string, ApiMeta>> {
  const inner = await api('listApis');
  const out = new Map<string, ApiMeta>();
  for (const a of (inner['api'] ?? []) as Record<string, any>[]) {
    out.set(a['name'], {
      name: a['name'], isasync: a['isasync'] === true || a['isasync'] === 'true',
      params: ((a['params'] ?? []) as Record<string, any>[]).map((p) => ({
        name: p['name'], type: p['type'], required: p['required'] === true || p['required'] === 'true', description: p['description'] ?? '',
      })),
    });
  }
  return out;
}

/** All commands the caller may call (cached for the session). */
export function useApis() {
  return useQuery({ queryKey: ['listApis'], queryFn: fetchApis, staleTime: Infinity });
}
