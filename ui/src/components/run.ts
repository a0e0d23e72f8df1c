/**
 * Runs a command for a button: sync commands answer at once; async ones show a notification
 * that stays while the job runs and turns into the result or the error text, without a
 * page reload. Lists are refreshed afterwards.
 */
import { App } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api, runJob } from '../api/client';
import { useApis } from '../api/apis';
import type { Params } from '../resources';

export function useRunner() {
  const { notification } = App.useApp();
  const queries = useQueryClient();
  const apis = useApis();
  return async (label: string, command: string, params: Params): Promise<Record<string, any>> => {
    const isAsync = apis.data?.get(command)?.isasync ?? false;
    const key = `${command}-${Date.now()}`;
    try {
      let result: Record<string, any>;
      if (isAsync) {
        notification.info({ key, title: `${label}…`, description: 'Running', duration: 0 });
        result = await runJob(command, params);
      } else {
        result = await api(command, params);
      }
      notification.success({ key, title: `${label}: done`, duration: 3 });
      await queries.invalidateQueries();
      return result;
    } catch (err) {
      notification.error({ key, title: `${label} failed`, description: (err as Error).message, duration: 0 });
      await queries.invalidateQueries();
      throw err;
    }
  };
}
