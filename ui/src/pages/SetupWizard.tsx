/**
 * The first-run wizard (the seed's initial setup): collects a zone, its physical network,
 * a pod, the public IP range, a cluster, a host, primary and secondary storage, then
 * creates them in that order through the public API, showing each call's outcome. The host
 * joins when its agent starts with the one-time token the wizard generated (shown with the
 * command to run); the last step waits for it and offers the deploy wizard.
 */
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, List, Select, Space, Steps, Typography } from 'antd';
import { Link } from 'react-router';
import { api, runJob } from '../api/client';
import { useApis } from '../api/apis';

type Values = Record<string, string>;
type Outcome = { label: string; state: 'running' | 'done' | 'error'; detail?: string };

const STEPS: Array<{ title: string; fields: Array<[name: string, label: string, initial: string]> }> = [
  { title: 'Zone', fields: [['zoneName', 'Zone name', 'Zone1'], ['dns1', 'Public DNS', '8.8.8.8'], ['internalDns1', 'Internal DNS', '10.0.0.2'], ['guestCidr', 'Guest CIDR', '10.1.1.0/24']] },
  { title: 'Physical network', fields: [['physicalName', 'Physical network name', 'physical-1'], ['vlanRange', 'Guest VLAN range', '100-199']] },
  { title: 'Pod', fields: [['podName', 'Pod name', 'Pod1'], ['podGateway', 'Pod gateway', '172.16.10.1'], ['podNetmask', 'Pod netmask', '255.255.255.0'], ['podStart', 'Reserved system start IP', '172.16.10.10'], ['podEnd', 'Reserved system end IP', '172.16.10.200']] },
  { title: 'Public traffic', fields: [['publicGateway', 'Public gateway', '192.168.50.1'], ['publicNetmask', 'Public netmask', '255.255.255.0'], ['publicVlan', 'Public VLAN', 'untagged'], ['publicStart', 'Public start IP', '192.168.50.10'], ['publicEnd', 'Public end IP', '192.168.50.200']] },
  { title: 'Cluster', fields: [['clusterName', 'Cluster name', 'Cluster1'], ['hypervisor', 'Hypervisor', 'Simulator']] },
  { title: 'Host', fields: [['hostUrl', 'Host address', 'http://host1']] },
  { title: 'Storage', fields: [['primaryName', 'Primary storage name', 'Primary1'], ['primaryUrl', 'Primary storage URL', 'file:///var/lib/nimbo/primary'], ['secondaryName', 'Secondary storage name', 'Secondary1'], ['secondaryUrl', 'Secondary storage URL', 'file:///var/lib/nimbo/secondary']] },
];

function newToken(): string {
  const b = new Uint8Array(18);
  crypto.getRandomValues(b);
  return btoa(String.fromCharCode(...b)).replace(/[+/=]/g, '');
}

/** The id in a create command's answer: `{zone: {id}}` or `{host: [{id}]}`. */
function idOf(r: Record<string, any>): string {
  for (const v of Object.values(r)) {
    const o = Array.isArray(v) ? v[0] : v;
    if (o && typeof o === 'object' && typeof o.id === 'string') return o.id;
  }
  throw new Error(`no id in ${JSON.stringify(r)}`);
}

export default function SetupWizard() {
  const [form] = Form.useForm<Values>();
  const apis = useApis();
  const [step, setStep] = useState(0);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [launched, setLaunched] = useState<{ token: string; hostState?: string } | null>(null);
  const [failed, setFailed] = useState(false);
  const initial = Object.fromEntries(STEPS.flatMap((s) => s.fields.map(([n, , v]) => [n, v])));

  const launch = async () => {
    const v = form.getFieldsValue(true) as Values;
    const token = newToken();
    const log: Outcome[] = [];
    setFailed(false);
    const call = async (label: string, command: string, params: Record<string, string | boolean>) => {
      log.push({ label, state: 'running' });
      setOutcomes([...log]);
      try {
        const r = apis.data?.get(command)?.isasync ? await runJob(command, params) : await api(command, params);
        log[log.length - 1] = { label, state: 'done' };
        setOutcomes([...log]);
        return r;
      } catch (err) {
        log[log.length - 1] = { label, state: 'error', detail: (err as Error).message };
        setOutcomes([...log]);
        throw err;
      }
    };
    try {
      const zoneid = idOf(await call('Create zone', 'createZone', { name: v['zoneName']!, networktype: 'Advanced', dns1: v['dns1']!, internaldns1: v['internalDns1']!, guestcidraddress: v['guestCidr']! }));
      const physicalnetworkid = idOf(await call('Create physical network', 'createPhysicalNetwork', { zoneid, name: v['physicalName']!, vlan: v['vlanRange']!, isolationmethods: 'VLAN' }));
      for (const t of ['Guest', 'Public', 'Management', 'Storage']) await call(`Add ${t} traffic`, 'addTrafficType', { physicalnetworkid, traffictype: t });
      const podid = idOf(await call('Create pod', 'createPod', { zoneid, name: v['podName']!, gateway: v['podGateway']!, netmask: v['podNetmask']!, startip: v['podStart']!, endip: v['podEnd']! }));
      await call('Add public IP range', 'createVlanIpRange', { zoneid, physicalnetworkid, forvirtualnetwork: true, vlan: v['publicVlan']!, gateway: v['publicGateway']!, netmask: v['publicNetmask']!, startip: v['publicStart']!, endip: v['publicEnd']! });
      const clusterid = idOf(await call('Add cluster', 'addCluster', { zoneid, podid, clustername: v['clusterName']!, hypervisor: v['hypervisor']!, clustertype: 'CloudManaged' }));
      await call('Add host', 'addHost', { zoneid, podid, clusterid, hypervisor: v['hypervisor']!, url: v['hostUrl']!, username: 'root', password: token });
      await call('Add primary storage', 'createStoragePool', { zoneid, podid, clusterid, name: v['primaryName']!, url: v['primaryUrl']!, scope: 'CLUSTER' });
      await call('Add secondary storage', 'addImageStore', { zoneid, name: v['secondaryName']!, url: v['secondaryUrl']!, provider: 'NFS' });
      await call('Enable zone', 'updateZone', { id: zoneid, allocationstate: 'Enabled' });
      setLaunched({ token });
      // The host is Up once its agent has used the token.
      for (;;) {
        const hosts = (await api('listHosts', { zoneid, type: 'Routing' }))['host'] as Record<string, any>[] | undefined;
        const state = hosts?.[0]?.['state'] as string | undefined;
        setLaunched({ token, ...(state ? { hostState: state } : {}) });
        if (state === 'Up') break;
        await new Promise((r) => setTimeout(r, 1000));
      }
    } catch {
      setFailed(true);
    }
  };

  const driver = (form.getFieldValue('hypervisor') as string | undefined) === 'KVM' ? 'qemu' : 'simulator';
  const server = `${location.hostname}:8250`;
  return (
    <Card title="Set up your cloud">
      <Steps current={step} items={[...STEPS.map((s) => ({ title: s.title })), { title: 'Launch' }]} style={{ marginBottom: 24 }} size="small" />
      <Form form={form} layout="vertical" initialValues={initial} style={{ maxWidth: 560 }}>
        {STEPS.map((s, i) => (
          <div key={s.title} hidden={step !== i}>
            {s.fields.map(([name, label]) => (
              <Form.Item key={name} name={name} label={label} rules={[{ required: true, message: `${label} is required` }]}>
                {name === 'hypervisor' ? <Select options={['Simulator', 'KVM'].map((h) => ({ value: h, label: h }))} /> : <Input />}
              </Form.Item>
            ))}
          </div>
        ))}
      </Form>
      {step === STEPS.length && (
        <>
          <List size="small" bordered dataSource={outcomes} style={{ marginBottom: 16, maxWidth: 560 }} locale={{ emptyText: 'Ready to create the zone.' }}
            renderItem={(o) => <List.Item>{o.label}: <Typography.Text type={o.state === 'error' ? 'danger' : undefined}>{o.state === 'running' ? 'working…' : o.state === 'done' ? 'done' : `failed — ${o.detail}`}</Typography.Text></List.Item>} />
          {failed && <Alert type="error" showIcon role="alert" title="Setup stopped. Fix the problem on the infrastructure pages or go back and change the values." style={{ marginBottom: 16 }} />}
          {launched && (
            <Alert type={launched.hostState === 'Up' ? 'success' : 'info'} showIcon style={{ marginBottom: 16 }}
              title={launched.hostState === 'Up' ? 'Your zone is ready: the host is Up.' : `Waiting for the host's agent (host state: ${launched.hostState ?? 'not registered'})`}
              description={<>Start the agent on the host (the token works once):<Typography.Paragraph copyable={{ text: launched.token }} code data-testid="agent-token">{`NIMBO_AGENT_TOKEN=${launched.token} nimbo agent --server ${server} --driver ${driver} --data-dir /var/lib/nimbo-agent`}</Typography.Paragraph></>} />
          )}
        </>
      )}
      <Space>
        {step > 0 && !launched && <Button onClick={() => setStep(step - 1)}>Back</Button>}
        {step < STEPS.length && <Button type="primary" onClick={() => form.validateFields(STEPS[step]!.fields.map(([n]) => n)).then(() => setStep(step + 1)).catch(() => undefined)}>Next</Button>}
        {step === STEPS.length && !launched && <Button type="primary" onClick={() => launch()} disabled={outcomes.some((o) => o.state === 'running')}>Launch</Button>}
        {launched?.hostState === 'Up' && <Link to="/deploy"><Button type="primary">Deploy your first VM</Button></Link>}
      </Space>
    </Card>
  );
}
