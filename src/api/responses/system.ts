/** Wire shapes of jobs, events, settings, capabilities and API discovery. */
import { defineResponse, wireDate, type Wire } from './define.js';
import type { JobRow } from '../../services/jobs/job.service.js';
import type { EventRow } from '../../services/events/event-query.service.js';
import type { SettingValue } from '../../services/config/config.service.js';
import { displayPath } from './identity.js';

export const asyncJobResponse = defineResponse({
  objectName: 'asyncjobs',
  className: 'AsyncJobResponse',
  fields: {
    accountid: 'string', account: 'string', domainid: 'string', domainpath: 'string', userid: 'string', cmd: 'string', jobstatus: 'integer',
    jobprocstatus: 'integer', jobresultcode: 'integer', jobresulttype: 'string', jobresult: 'object', jobinstancetype: 'string', jobinstanceid: 'string',
    managementserverid: 'string', created: 'date', completed: 'date', jobid: 'string',
  },
});

export function toAsyncJob(j: JobRow): Wire {
  const done = j.status !== 0;
  return {
    accountid: j.account_uuid, account: j.account_name, domainid: j.domain_uuid, domainpath: displayPath(j.domain_path), userid: j.user_uuid, cmd: j.cmd,
    jobstatus: j.status, jobprocstatus: j.process_status, jobresultcode: j.result_code, jobresulttype: done ? (j.result_type ?? 'object') : undefined,
    jobresult: done && j.result ? JSON.parse(j.result) : undefined,
    jobinstancetype: j.instance_uuid ? (j.instance_type ?? undefined) : undefined, jobinstanceid: j.instance_type ? (j.instance_uuid ?? undefined) : undefined,
    managementserverid: j.msid ?? undefined, created: wireDate(j.created), completed: wireDate(j.completed), jobid: j.uuid,
  };
}

export const eventResponse = defineResponse({
  objectName: 'event',
  className: 'EventResponse',
  fields: {
    id: 'string', username: 'string', type: 'string', level: 'string', description: 'string', account: 'string', domainid: 'string', domain: 'string',
    domainpath: 'string', resourceid: 'string', resourcetype: 'string', created: 'date', state: 'string', parentid: 'string', archived: 'boolean',
  },
});

export function toEvent(e: EventRow): Wire {
  return {
    id: e.uuid, username: e.username, type: e.type, level: e.level, description: e.description, account: e.account_name, domainid: e.domain_uuid,
    domain: e.domain_name, domainpath: displayPath(e.domain_path), resourceid: e.resource_uuid ?? undefined, resourcetype: e.resource_type ?? undefined,
    created: wireDate(e.created), state: e.state, parentid: e.parent_uuid ?? undefined, archived: e.archived === 1,
  };
}

export const eventTypeResponse = defineResponse({ objectName: 'eventtype', className: 'EventTypeResponse', fields: { name: 'string' } });

export const configurationResponse = defineResponse({
  objectName: 'configuration',
  className: 'ConfigurationResponse',
  fields: { category: 'string', name: 'string', value: 'string', defaultvalue: 'string', scope: 'string', description: 'string', isdynamic: 'boolean', type: 'string', displaytext: 'string', component: 'string' },
});

export function toConfiguration(s: SettingValue, scope?: string): Wire {
  return {
    category: s.category, name: s.name, value: s.value ?? undefined, defaultvalue: s.defaultValue ?? undefined, scope: (scope ?? s.scope[s.scope.length - 1] ?? 'Global').toLowerCase(),
    description: s.description, isdynamic: s.dynamic, type: s.type, displaytext: s.name, component: 'management-server',
  };
}

export const capabilityResponse = defineResponse({
  objectName: 'capability',
  className: 'CapabilitiesResponse',
  fields: {
    securitygroupsenabled: 'boolean', dynamicrolesenabled: 'boolean', cloudstackversion: 'string', userpublictemplateenabled: 'boolean', supportELB: 'string',
    projectinviterequired: 'boolean', allowusercreateprojects: 'boolean', customdiskofferingminsize: 'long', customdiskofferingmaxsize: 'long',
    regionsecondaryenabled: 'boolean', apilimitinterval: 'integer', apilimitmax: 'integer', kvmsnapshotenabled: 'boolean', allowuserviewdestroyedvm: 'boolean',
    allowuserexpungerecovervm: 'boolean', defaultuipagesize: 'long',
  },
});

export const apiDiscoveryResponse = defineResponse({
  objectName: 'api',
  className: 'ApiDiscoveryResponse',
  fields: { name: 'string', description: 'string', since: 'string', isasync: 'boolean', related: 'string', params: 'set', response: 'set', type: 'string' },
});
