/** Admins see capacity per zone, hosts that are not Up and recent events; users their own usage against their limits. */
import { Button, Card, Col, Empty, List, Progress, Row, Statistic, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, isAdmin, itemsOf } from '../api/client';
import { useSession } from '../session';
import { formatBytes } from '../components/format';

/** CloudStack capacity type ids (Capacity.CAPACITY_TYPE_*). */
const CAPACITY_NAMES: Record<number, string> = {
  0: 'Memory', 1: 'CPU', 2: 'Primary storage used', 3: 'Primary storage allocated', 4: 'Public IPs', 5: 'Private IPs',
  6: 'Secondary storage', 7: 'VLANs', 8: 'Direct IPs', 9: 'Local storage', 19: 'GPU', 90: 'CPU cores',
};
const BYTES = new Set([0, 2, 3, 6, 9]);

function useList(command: string, params: Record<string, string | number | boolean> = {}) {
  return useQuery({ queryKey: ['list', command, params], queryFn: async () => itemsOf(await api(command, params)) });
}

function RecentEvents() {
  const events = useList('listEvents', { pagesize: 8, page: 1, listall: true });
  return (
    <Card title="Recent events">
      <List size="small" loading={events.isLoading} dataSource={events.data?.items ?? []} locale={{ emptyText: 'No events' }}
        renderItem={(e) => <List.Item><Typography.Text strong>{e['type']}</Typography.Text>&nbsp;{e['description']}</List.Item>} />
    </Card>
  );
}

function RecentAlerts() {
  const alerts = useList('listAlerts', { pagesize: 8, page: 1 });
  return (
    <Card title="Recent alerts" style={{ marginTop: 16 }}>
      <List size="small" loading={alerts.isLoading} dataSource={alerts.data?.items ?? []} locale={{ emptyText: 'No alerts' }}
        renderItem={(a) => <List.Item><Typography.Text type="danger">{a['subject']}</Typography.Text>&nbsp;<Typography.Text type="secondary">{a['sent'] ? new Date(a['sent']).toLocaleString() : ''}</Typography.Text></List.Item>} />
    </Card>
  );
}

function AdminDashboard() {
  const { session } = useSession();
  const capacity = useList('listCapacity');
  const zoneList = useList('listZones');
  const down = useQuery({
    queryKey: ['hosts-not-up'],
    queryFn: async () => (await Promise.all(['Down', 'Alert', 'Disconnected'].map(async (state) => itemsOf(await api('listHosts', { type: 'Routing', state, pagesize: 20, page: 1 })).items))).flat(),
  });
  const zones = new Map<string, Record<string, any>[]>();
  for (const c of capacity.data?.items ?? []) zones.set(c['zonename'], [...(zones.get(c['zonename']) ?? []), c]);
  return (
    <>
      <Typography.Title level={3}>Dashboard</Typography.Title>
      {[...zones].map(([zone, caps]) => (
        <Card key={zone} title={`Zone ${zone}: capacity`} style={{ marginBottom: 16 }}>
          <Row gutter={[16, 16]}>
            {caps.map((c) => {
              const pct = Math.round(Number(c['percentused'] ?? 0));
              const fmt = (n: number) => (BYTES.has(c['type']) ? formatBytes(n) : String(n));
              return (
                <Col key={`${c['type']}-${c['podid'] ?? ''}-${c['clusterid'] ?? ''}`} xs={12} md={6} lg={4} style={{ textAlign: 'center' }}>
                  <Progress type="dashboard" percent={pct} size={96} status={pct >= 85 ? 'exception' : 'normal'} aria-label={`${CAPACITY_NAMES[c['type']] ?? c['type']} ${pct}% used`} />
                  <div><Typography.Text strong>{CAPACITY_NAMES[c['type']] ?? `Type ${c['type']}`}</Typography.Text></div>
                  <Typography.Text type="secondary">{fmt(Number(c['capacityused']))} / {fmt(Number(c['capacitytotal']))}</Typography.Text>
                </Col>
              );
            })}
          </Row>
        </Card>
      ))}
      {zoneList.data?.count === 0 && (
        <Card style={{ marginBottom: 16 }}>
          <Empty description="No zones yet">
            {session?.type === '1' && <Link to="/setup"><Button type="primary">Set up your cloud</Button></Link>}
          </Empty>
        </Card>
      )}
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title="Hosts not Up">
            <Table size="small" rowKey="id" loading={down.isLoading} dataSource={down.data ?? []} pagination={false} locale={{ emptyText: 'All hosts are Up' }}
              columns={[{ title: 'Host', dataIndex: 'name' }, { title: 'State', dataIndex: 'state' }, { title: 'Cluster', dataIndex: 'clustername' }]} />
          </Card>
          <RecentAlerts />
        </Col>
        <Col xs={24} lg={12}><RecentEvents /></Col>
      </Row>
    </>
  );
}

const LIMITS: Array<[string, string, string]> = [
  ['Instances', 'vmtotal', 'vmlimit'], ['Public IPs', 'iptotal', 'iplimit'], ['Volumes', 'volumetotal', 'volumelimit'],
  ['Snapshots', 'snapshottotal', 'snapshotlimit'], ['Templates', 'templatetotal', 'templatelimit'], ['Networks', 'networktotal', 'networklimit'],
];

function UserDashboard() {
  const vms = useList('listVirtualMachines', { pagesize: 1, page: 1 });
  const running = useList('listVirtualMachines', { state: 'Running', pagesize: 1, page: 1 });
  const ips = useList('listPublicIpAddresses', { pagesize: 1, page: 1 });
  const volumes = useList('listVolumes', { pagesize: 1, page: 1 });
  const account = useList('listAccounts');
  const a = account.data?.items[0];
  return (
    <>
      <Typography.Title level={3}>Dashboard</Typography.Title>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}><Card><Statistic title="Instances" value={vms.data?.count ?? 0} /></Card></Col>
        <Col span={6}><Card><Statistic title="Running" value={running.data?.count ?? 0} /></Card></Col>
        <Col span={6}><Card><Statistic title="Volumes" value={volumes.data?.count ?? 0} /></Card></Col>
        <Col span={6}><Card><Statistic title="Public IPs" value={ips.data?.count ?? 0} /></Card></Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title="Resource limits used">
            {a && LIMITS.filter(([, t]) => a[t] !== undefined).map(([label, t, l]) => {
              const limit = a[l] === 'Unlimited' ? Infinity : Number(a[l]);
              const used = Number(a[t]);
              return (
                <div key={t}>
                  <Typography.Text>{label}: {used} / {Number.isFinite(limit) ? limit : 'unlimited'}</Typography.Text>
                  <Progress percent={Number.isFinite(limit) && limit > 0 ? Math.round((used / limit) * 100) : 0} showInfo={Number.isFinite(limit)} aria-label={`${label} used`} />
                </div>
              );
            })}
          </Card>
        </Col>
        <Col xs={24} lg={12}><RecentEvents /></Col>
      </Row>
    </>
  );
}

export default function Dashboard() {
  const { session } = useSession();
  return isAdmin(session) ? <AdminDashboard /> : <UserDashboard />;
}
