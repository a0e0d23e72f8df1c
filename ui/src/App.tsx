/** Routes and the frame: login when there is no session, otherwise the menu and the pages (lazy-loaded). */
import { lazy, Suspense } from 'react';
import { Button, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Link, Route, Routes, useLocation } from 'react-router';
import { isAdmin } from './api/client';
import { useApis } from './api/apis';
import { GROUPS, RESOURCES } from './resources';
import { useSession } from './session';
import Login from './pages/Login';

const Dashboard = lazy(() => import('./pages/Dashboard'));
const ResourceList = lazy(() => import('./pages/ResourceList'));
const DeployWizard = lazy(() => import('./pages/DeployWizard'));
const SetupWizard = lazy(() => import('./pages/SetupWizard'));
const Console = lazy(() => import('./pages/Console'));

function Navigation() {
  const { session } = useSession();
  const apis = useApis();
  const loc = useLocation();
  const admin = isAdmin(session);
  const visible = RESOURCES.filter((r) => apis.data?.has(r.command) && (!r.adminOnly || admin));
  const items = [
    { key: '/', label: <Link to="/">Dashboard</Link> },
    ...GROUPS.map((g) => ({ g, rs: visible.filter((r) => r.group === g) })).filter((x) => x.rs.length).map(({ g, rs }) => ({
      key: g, label: g, type: 'group' as const,
      children: rs.map((r) => ({ key: `/r/${r.path}`, label: <Link to={`/r/${r.path}`}>{r.title}</Link> })),
    })),
  ];
  return <Menu mode="inline" selectedKeys={[loc.pathname]} items={items} aria-label="Main menu" />;
}

export function App() {
  const { session, logout } = useSession();
  const loc = useLocation();
  // The console window stands alone: its token, not a login session, opens it.
  if (loc.pathname === '/console') return <Suspense fallback={<Spin />}><Console /></Suspense>;
  if (!session) return <Login />;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={220} theme="light" style={{ borderRight: '1px solid #eee', overflow: 'auto' }}>
        <Typography.Title level={4} style={{ padding: '16px 24px', margin: 0 }}>Nimbo</Typography.Title>
        <Navigation />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #eee', display: 'flex', justifyContent: 'flex-end', alignItems: 'center' }}>
          <Space>
            <Typography.Text data-testid="whoami">{session.username} ({session.account}{isAdmin(session) ? ', administrator' : ''})</Typography.Text>
            <Button onClick={() => logout()}>Log out</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<Spin />}>
            <Routes>
              <Route path="/" element={<Dashboard />} />
              <Route path="/r/:path" element={<ResourceList />} />
              <Route path="/deploy" element={<DeployWizard />} />
              <Route path="/setup" element={<SetupWizard />} />
              <Route path="*" element={<Dashboard />} />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
