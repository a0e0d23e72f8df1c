import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useSession } from '../session';

export default function Login() {
  const { login, expired } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { username: string; password: string; domain?: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.username, v.password, v.domain ?? '/');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: '12vh' }}>
      <Card style={{ width: 380 }}>
        <Typography.Title level={3}>Nimbo</Typography.Title>
        {expired && <Alert type="warning" showIcon title="Your session has expired. Please log in again." style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form layout="vertical" onFinish={submit} initialValues={{ domain: '/' }}>
          <Form.Item label="Username" name="username" rules={[{ required: true }]}>
            <Input autoFocus autoComplete="username" />
          </Form.Item>
          <Form.Item label="Password" name="password" rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item label="Domain" name="domain" extra="Domain path, e.g. / or /customers/acme">
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>Log in</Button>
        </Form>
      </Card>
    </main>
  );
}
