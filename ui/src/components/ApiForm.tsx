/**
 * A form for one API command whose fields, types and required flags come from `listApis`:
 * booleans are switches, numbers number inputs, UUIDs pick from the matching list command.
 */
import { Form, Input, InputNumber, Modal, Select, Switch, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api, itemsOf } from '../api/client';
import { useApis, type ApiParam } from '../api/apis';
import { choicesFor, lookupFor } from '../api/lookups';
import type { Option, Params } from '../resources';

function LookupSelect({ command, param, id, value, onChange }: { command: string; param: string; id?: string; value?: string | string[]; onChange?: (v: unknown) => void }) {
  const l = lookupFor(command, param)!;
  const q = useQuery({ queryKey: ['lookup', l.command, l.params], queryFn: async () => itemsOf(await api(l.command, { ...l.params, listall: l.params?.['listall'] ?? undefined })).items });
  return (
    <Select id={id} value={value} onChange={onChange} loading={q.isLoading} allowClear showSearch={{ optionFilterProp: 'label' }} mode={l.multiple ? 'multiple' : undefined}
      options={(q.data ?? []).map((r) => ({ value: r['id'], label: String(r[l.label] ?? r['name'] ?? r['id']) }))} />
  );
}

function field(command: string, p: ApiParam, options?: Option[]) {
  const label = p.name;
  const rules = p.required ? [{ required: true, message: `${p.name} is required` }] : [];
  const common = { key: p.name, name: p.name, label, rules, tooltip: p.description || undefined };
  // Choices that only the row knows (a security group's own rules, say) come first.
  if (options) return <Form.Item {...common}><Select options={options} showSearch={{ optionFilterProp: 'label' }} /></Form.Item>;
  if (p.type === 'boolean') return <Form.Item {...common} valuePropName="checked"><Switch /></Form.Item>;
  if (['integer', 'long', 'short'].includes(p.type)) return <Form.Item {...common}><InputNumber precision={0} style={{ width: '100%' }} /></Form.Item>;
  if ((p.type === 'uuid' || p.type === 'list') && lookupFor(command, p.name)) return <Form.Item {...common}><LookupSelect command={command} param={p.name} /></Form.Item>;
  const fixed = choicesFor(command, p.name);
  if (fixed) return <Form.Item {...common}><Select options={fixed.map((c) => ({ value: c, label: c }))} /></Form.Item>;
  if (/password/.test(p.name)) return <Form.Item {...common}><Input.Password autoComplete="new-password" /></Form.Item>;
  return <Form.Item {...common}><Input /></Form.Item>;
}

export interface ApiFormProps {
  open: boolean;
  title: string;
  command: string;
  fields: string[];
  initial?: Params | undefined;
  /** Said above the fields: the action's warning when it asks for confirmation too. */
  intro?: string | undefined;
  /** Choices for some fields that come from the row rather than from a list command. */
  options?: Record<string, Option[]> | undefined;
  onCancel(): void;
  onSubmit(values: Params): Promise<void>;
}

export function ApiFormModal({ open, title, command, fields, initial, intro, options, onCancel, onSubmit }: ApiFormProps) {
  const [form] = Form.useForm();
  const apis = useApis();
  const meta = apis.data?.get(command);
  const params = fields.map((f) => meta?.params.find((p) => p.name === f)).filter((p): p is ApiParam => !!p);
  const submit = async () => {
    const v = await form.validateFields();
    const out: Params = {};
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined || val === null || val === '') continue;
      out[k] = Array.isArray(val) ? val.join(',') : (val as string | number | boolean);
    }
    await onSubmit(out);
    form.resetFields();
  };
  return (
    <Modal open={open} title={title} onCancel={onCancel} onOk={submit} okText="OK" destroyOnHidden>
      {intro && <Typography.Paragraph>{intro}</Typography.Paragraph>}
      {!meta && <Typography.Text type="secondary">Loading…</Typography.Text>}
      <Form form={form} layout="vertical" initialValues={initial} preserve={false}>
        {params.map((p) => field(command, p, options?.[p.name]))}
      </Form>
    </Modal>
  );
}
