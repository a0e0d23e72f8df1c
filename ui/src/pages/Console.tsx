/**
 * The VM console window (opened by an instance's "View console" action): noVNC connected to the
 * management server's console proxy with the one-time token in this page's address. It needs no
 * login session: the token alone opens this one VM's display, once, shortly after it was issued.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Space, Typography } from 'antd';
import RFB from '@novnc/novnc';

type Status = { kind: 'connecting' | 'connected' | 'closed' | 'failed'; text: string };

export default function Console() {
  const screen = useRef<HTMLDivElement>(null);
  const rfb = useRef<RFB | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'connecting', text: 'Connecting…' });
  const [name, setName] = useState('');

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const token = params.get('token');
    if (!token || !screen.current) {
      setStatus({ kind: 'failed', text: 'This console link has no token. Open the console again from the instance.' });
      return;
    }
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const path = params.get('path') ?? '/client/console/websocket';
    const r = new RFB(screen.current, `${scheme}://${window.location.host}${path}?token=${encodeURIComponent(token)}`, { shared: true });
    r.scaleViewport = true;
    r.addEventListener('connect', () => setStatus({ kind: 'connected', text: 'Connected' }));
    r.addEventListener('desktopname', (e) => setName(String((e as CustomEvent<{ name: string }>).detail.name)));
    r.addEventListener('disconnect', (e) => {
      const clean = (e as CustomEvent<{ clean: boolean }>).detail.clean;
      // A used or expired token is refused before the WebSocket opens, which noVNC reports as unclean.
      setStatus(clean ? { kind: 'closed', text: 'The console session ended.' } : { kind: 'failed', text: 'The console could not connect (the link may have been used or expired, or the VM stopped). Open it again from the instance.' });
    });
    rfb.current = r;
    return () => r.disconnect();
  }, []);

  useEffect(() => {
    document.title = name ? `Console: ${name}` : 'Console';
  }, [name]);

  return (
    <main style={{ display: 'flex', flexDirection: 'column', height: '100vh', background: '#222' }}>
      <Space style={{ padding: '6px 12px', background: '#fff', justifyContent: 'space-between' }}>
        <Typography.Text strong data-testid="console-name">{name || 'Console'}</Typography.Text>
        <Space>
          <Typography.Text data-testid="console-status" type={status.kind === 'failed' ? 'danger' : undefined}>{status.text}</Typography.Text>
          <Button size="small" disabled={status.kind !== 'connected'} onClick={() => rfb.current?.sendCtrlAltDel()}>Send Ctrl-Alt-Del</Button>
        </Space>
      </Space>
      {status.kind === 'failed' && <Alert type="error" message={status.text} />}
      <div ref={screen} role="application" aria-label="VM screen" data-testid="console-screen" style={{ flex: 1, overflow: 'hidden' }} />
    </main>
  );
}
