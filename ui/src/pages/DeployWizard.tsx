/**
 * The deploy wizard: zone → template or ISO → compute offering → disk → network → details.
 * Each step's choices come from the list commands for the chosen zone; the last step calls
 * deployVirtualMachine and follows its job until the instance is Running (or failed).
 */
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Radio, Result, Select, Space, Steps, Switch } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, itemsOf, runJob } from '../api/client';

type Values = Record<string, any>;

function useChoices(command: string, params: Record<string, string | number | boolean | undefined>, label = 'name', enabled = true) {
  const q = useQuery({ queryKey: ['choices', command, params], queryFn: async () => itemsOf(await api(command, params)).items, enabled });
  return { loading: q.isLoading, options: (q.data ?? []).map((r) => ({ value: String(r['id'] ?? r['name']), label: String(r[label] ?? r['name']), row: r })) };
}

const STEPS = ['Zone', 'Image', 'Compute', 'Disk', 'Network', 'Details'];

/** Fields each step asks for: validated before moving on. */
const STEP_FIELDS: string[][] = [['zoneid'], ['imagekind', 'templateid', 'isoid'], ['serviceofferingid'], ['diskofferingid', 'size'], ['networkids'], ['name', 'displayname', 'group', 'keypair', 'userdata', 'startvm']];

export default function DeployWizard() {
  const [form] = Form.useForm<Values>();
  const [step, setStep] = useState(0);
  const [status, setStatus] = useState<{ kind: 'running' | 'done' | 'error'; text: string; vm?: Values } | null>(null);
  const zoneid = Form.useWatch('zoneid', form) as string | undefined;
  const imagekind = (Form.useWatch('imagekind', form) as string | undefined) ?? 'template';
  const zones = useChoices('listZones', { available: true });
  const templates = useChoices('listTemplates', { templatefilter: 'executable', zoneid }, 'name', !!zoneid);
  const isos = useChoices('listIsos', { isofilter: 'executable', bootable: true, zoneid }, 'name', !!zoneid);
  const offerings = useChoices('listServiceOfferings', {});
  const disks = useChoices('listDiskOfferings', {});
  const networks = useChoices('listNetworks', { zoneid }, 'name', !!zoneid);
  const keys = useChoices('listSSHKeyPairs', {});
  const diskofferingid = Form.useWatch('diskofferingid', form) as string | undefined;
  const customDisk = disks.options.find((o) => o.value === diskofferingid)?.row['iscustomized'] === true;

  const next = async () => {
    await form.validateFields(STEP_FIELDS[step]);
    setStep(step + 1);
  };
  const deploy = async () => {
    await form.validateFields();
    const v = form.getFieldsValue(true) as Values;
    const params: Record<string, string | number | boolean> = { zoneid: v['zoneid'], serviceofferingid: v['serviceofferingid'] };
    params['templateid'] = v['imagekind'] === 'iso' ? v['isoid'] : v['templateid'];
    if (v['diskofferingid']) params['diskofferingid'] = v['diskofferingid'];
    if (v['size']) params['size'] = v['size'];
    if (v['networkids']?.length) params['networkids'] = v['networkids'].join(',');
    for (const k of ['name', 'displayname', 'group', 'keypair']) if (v[k]) params[k] = v[k];
    if (v['userdata']) params['userdata'] = btoa(unescape(encodeURIComponent(v['userdata'])));
    if (v['startvm'] === false) params['startvm'] = false;
    setStatus({ kind: 'running', text: 'Deploying…' });
    try {
      const r = await runJob('deployVirtualMachine', params, (_s, job) => setStatus({ kind: 'running', text: `Deploying… (job ${job['jobid']})` }));
      setStatus({ kind: 'done', text: `Instance ${r['virtualmachine']?.['name']} is ${r['virtualmachine']?.['state']}`, vm: r['virtualmachine'] });
    } catch (err) {
      setStatus({ kind: 'error', text: (err as Error).message });
    }
  };

  if (status?.kind === 'done') {
    return <Result status="success" title={status.text} extra={<Link to="/r/instances"><Button type="primary">Go to instances</Button></Link>} />;
  }
  return (
    <Card title="Add instance">
      <Steps current={step} items={STEPS.map((t) => ({ title: t }))} style={{ marginBottom: 24 }} />
      <Form form={form} layout="vertical" initialValues={{ imagekind: 'template', startvm: true }} style={{ maxWidth: 640 }}>
        <div hidden={step !== 0}>
          <Form.Item label="Zone" name="zoneid" rules={[{ required: true, message: 'Choose a zone' }]}>
            <Select options={zones.options} loading={zones.loading} />
          </Form.Item>
        </div>
        <div hidden={step !== 1}>
          <Form.Item label="Boot from" name="imagekind">
            <Radio.Group options={[{ value: 'template', label: 'Template' }, { value: 'iso', label: 'ISO (blank disk)' }]} />
          </Form.Item>
          {imagekind === 'template' ? (
            <Form.Item label="Template" name="templateid" rules={[{ required: true, message: 'Choose a template' }]}>
              <Select options={templates.options} loading={templates.loading} showSearch={{ optionFilterProp: 'label' }} />
            </Form.Item>
          ) : (
            <Form.Item label="ISO" name="isoid" rules={[{ required: true, message: 'Choose an ISO' }]}>
              <Select options={isos.options} loading={isos.loading} showSearch={{ optionFilterProp: 'label' }} />
            </Form.Item>
          )}
        </div>
        <div hidden={step !== 2}>
          <Form.Item label="Compute offering" name="serviceofferingid" rules={[{ required: true, message: 'Choose a compute offering' }]}>
            <Select options={offerings.options} loading={offerings.loading} />
          </Form.Item>
        </div>
        <div hidden={step !== 3}>
          <Form.Item label={imagekind === 'iso' ? 'Root disk offering' : 'Data disk offering (optional)'} name="diskofferingid"
            rules={imagekind === 'iso' ? [{ required: true, message: 'An ISO needs a disk offering for its root disk' }] : []}>
            <Select allowClear options={disks.options} loading={disks.loading} />
          </Form.Item>
          {customDisk && (
            <Form.Item label="Disk size (GB)" name="size" rules={[{ required: true, message: 'Give the disk size' }]}>
              <InputNumber min={1} style={{ width: '100%' }} />
            </Form.Item>
          )}
        </div>
        <div hidden={step !== 4}>
          <Form.Item label="Networks" name="networkids" extra="Leave empty to use your default guest network in this zone.">
            <Select mode="multiple" allowClear options={networks.options} loading={networks.loading} />
          </Form.Item>
        </div>
        <div hidden={step !== 5}>
          <Form.Item label="Name" name="name" rules={[{ pattern: /^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, message: 'Letters, digits and hyphens; start with a letter (RFC 1123)' }]}>
            <Input />
          </Form.Item>
          <Form.Item label="Display name" name="displayname"><Input /></Form.Item>
          <Form.Item label="Group" name="group"><Input /></Form.Item>
          <Form.Item label="SSH key pair" name="keypair"><Select allowClear options={keys.options.map((o) => ({ value: o.label, label: o.label }))} /></Form.Item>
          <Form.Item label="User data" name="userdata"><Input.TextArea rows={4} /></Form.Item>
          <Form.Item label="Start the instance" name="startvm" valuePropName="checked"><Switch /></Form.Item>
        </div>
      </Form>
      {status?.kind === 'error' && <Alert type="error" showIcon title={status.text} style={{ marginBottom: 16 }} role="alert" />}
      {status?.kind === 'running' && <Alert type="info" showIcon title={status.text} style={{ marginBottom: 16 }} />}
      <Space>
        {step > 0 && <Button onClick={() => setStep(step - 1)}>Back</Button>}
        {step < STEPS.length - 1 && <Button type="primary" onClick={() => next().catch(() => undefined)}>Next</Button>}
        {step === STEPS.length - 1 && <Button type="primary" loading={status?.kind === 'running'} onClick={() => deploy().catch(() => undefined)}>Deploy</Button>}
      </Space>
    </Card>
  );
}
