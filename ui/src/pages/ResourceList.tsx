/** The list page of any resource in RESOURCES: server-side paging, keyword search, sort, refresh, actions. */
import { useState } from 'react';
import { Alert, Button, Descriptions, Dropdown, Input, Modal, Space, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, isAdmin, itemsOf } from '../api/client';
import { useApis } from '../api/apis';
import { ApiFormModal } from '../components/ApiForm';
import { cellValue, renderCell } from '../components/format';
import { useRunner } from '../components/run';
import { resourceByPath, type CreateSpec, type Params, type Row, type RowAction } from '../resources';
import { useSession } from '../session';

type Pending = { action: RowAction | CreateSpec; row?: Row };

/** What a screen reader says for a row's Actions button: the row's name, or what stands for it. */
const rowLabel = (r: Row): string => String(r['name'] ?? r['username'] ?? r['ipaddress'] ?? (r['startip'] ? `${r['startip']}-${r['endip'] ?? r['startip']}` : undefined) ?? r['volumename'] ?? r['id']);

/** One instance per page, so paging, search and open forms start afresh on another resource. */
export default function ResourceListPage() {
  const { path = '' } = useParams();
  return <ResourceList key={path} path={path} />;
}

function ResourceList({ path }: { path: string }) {
  const res = resourceByPath(path);
  const { session } = useSession();
  const admin = isAdmin(session);
  const apis = useApis();
  const run = useRunner();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [keyword, setKeyword] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [result, setResult] = useState<Array<[string, string]> | null>(null);
  const meta = res ? apis.data?.get(res.command) : undefined;
  const accepts = (p: string) => !!meta?.params.some((x) => x.name === p);
  const params: Params = { ...res?.params?.(session, admin), page, pagesize: pageSize };
  if (keyword && accepts('keyword')) params['keyword'] = keyword;
  if (admin && accepts('listall')) params['listall'] = true;
  const list = useQuery({
    queryKey: ['list', res?.command, params],
    queryFn: async () => itemsOf(await api(res!.command, params)),
    enabled: !!res && !!meta,
    // A download or another passing state shows its progress without a reload.
    refetchInterval: (q) => (res?.busy && q.state.data?.items.some(res.busy) ? 2000 : false),
  });
  if (!res || (apis.data && !meta) || (res.adminOnly && !admin)) {
    return <Alert type="warning" showIcon title="This page is not available to your account." />;
  }
  const columns = res.columns
    .filter((c) => (list.data?.items ?? []).some((r) => cellValue(c, r) !== undefined) || ['name', 'state'].includes(c.key))
    .map((c) => ({
      key: c.key, title: c.title, dataIndex: c.key,
      render: (_: unknown, row: Row) => renderCell(c, row),
      sorter: (a: Row, b: Row) => String(cellValue(c, a) ?? '').localeCompare(String(cellValue(c, b) ?? ''), undefined, { numeric: true }),
    }));
  const actions = (res.actions ?? []).filter((a) => apis.data?.has(a.command));
  if (actions.length) {
    columns.push({
      key: '_actions', title: 'Actions', dataIndex: '_actions', sorter: undefined as never,
      render: (_: unknown, row: Row) => {
        const items = actions.filter((a) => !a.when || a.when(row)).map((a) => ({ key: a.label, label: a.label, danger: !!a.danger }));
        if (!items.length) return '';
        return (
          <Dropdown trigger={['click']} menu={{ items, onClick: ({ key }) => start(actions.find((a) => a.label === key)!, row) }}>
            <Button size="small" aria-label={`Actions for ${rowLabel(row)}`}>Actions</Button>
          </Dropdown>
        );
      },
    });
  }
  const execute = async (a: Pending['action'], row: Row | undefined, values: Params) => {
    const out = await run(a.label, a.command, { ...a.fixed?.(row), ...values });
    if (a.showResult) setResult(a.showResult(out));
  };
  const openWindow = (a: RowAction & { openWindow: NonNullable<RowAction['openWindow']> }, row: Row) => {
    // Opened during the click (popup blockers allow that), pointed at the answer's address after.
    const w = window.open('about:blank', '_blank');
    run(a.label, a.command, a.fixed?.(row) ?? {}).then((out) => {
      const url = a.openWindow(out);
      if (url && w) return void (w.location.href = new URL(url, window.location.href).href);
      w?.close();
      setResult([[a.label, String(out['consoleendpoint']?.['details'] ?? 'not available')]]);
    }, () => w?.close());
  };
  const start = (a: RowAction, row: Row) => {
    if (a.openWindow) return openWindow({ ...a, openWindow: a.openWindow }, row);
    if (a.fields.length) return setPending({ action: a, row });
    if (a.confirm) {
      Modal.confirm({ title: a.confirm, okButtonProps: { danger: !!a.danger }, onOk: () => execute(a, row, {}).catch(() => undefined) });
      return;
    }
    execute(a, row, {}).catch(() => undefined);
  };
  const creates = ([] as CreateSpec[]).concat(res.create ?? []).filter((c) => apis.data?.has(c.command));
  return (
    <section aria-label={res.title}>
      <Space style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{res.title}</Typography.Title>
        <Space>
          {accepts('keyword') && <Input.Search aria-label="Search" placeholder="Search" allowClear onSearch={(v) => { setPage(1); setKeyword(v); }} style={{ width: 240 }} />}
          <Button onClick={() => list.refetch()}>Refresh</Button>
          {res.path === 'instances' && apis.data?.has('deployVirtualMachine') && <Link to="/deploy"><Button type="primary">Add instance</Button></Link>}
          {creates.map((c) => <Button key={c.label} type="primary" onClick={() => setPending({ action: c })}>{c.label}</Button>)}
        </Space>
      </Space>
      {list.error && <Alert type="error" showIcon title={(list.error as Error).message} style={{ marginBottom: 16 }} />}
      <Table
        rowKey={(r) => String(r['id'] ?? r['name'])}
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        size="middle"
        pagination={{ current: page, pageSize, total: list.data?.count ?? 0, showSizeChanger: true, showTotal: (t) => `${t} in all`, onChange: (p, s) => { setPage(p); setPageSize(s); } }}
      />
      {pending && (
        <ApiFormModal open title={pending.action.label} command={pending.action.command} fields={pending.action.fields}
          initial={pending.action.initial?.(pending.row)} options={pending.row && 'options' in pending.action ? pending.action.options?.(pending.row) : undefined} intro={'confirm' in pending.action ? pending.action.confirm : undefined} onCancel={() => setPending(null)}
          onSubmit={async (v) => { const p = pending; setPending(null); await execute(p.action, p.row, v).catch(() => undefined); }} />
      )}
      <Modal open={!!result} title="Result" onOk={() => setResult(null)} onCancel={() => setResult(null)} footer={null} width={720}>
        <Descriptions column={1} bordered items={(result ?? []).map(([k, v]) => ({ key: k, label: k, children: <Typography.Paragraph copyable style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{v}</Typography.Paragraph> }))} />
      </Modal>
    </section>
  );
}
