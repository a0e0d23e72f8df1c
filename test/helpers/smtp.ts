/** A real SMTP server on loopback (smtp-server, AUTH required, no TLS) for the alert e-mail tests. */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface Mail { from: string; to: string[]; raw: string; user: string | undefined }

export async function smtp(user: string, pass: string): Promise<{ server: SMTPServer; port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS'], allowInsecureAuth: true, authOptional: false, logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'), user: typeof session.user === 'string' ? session.user : undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { server, port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The decoded Subject header of a raw message (nodemailer may fold or encode it). */
export function subjectOf(raw: string): string {
  const m = /^Subject: ((?:.*)(?:\r\n[ \t].*)*)/m.exec(raw);
  if (!m) return '';
  return m[1]!.replace(/\r\n[ \t]/g, ' ').replace(/=\?utf-8\?Q\?(.*?)\?=/gi, (_s, q: string) => q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))));
}
