/**
 * Alert e-mail through SMTP with nodemailer, configured by CloudStack's `alert.smtp.*` and
 * `alert.email.*` settings (read at each send, so changes apply without a restart). Port 465
 * means implicit TLS (smtps, CloudStack's default); `alert.smtp.useStartTLS` requires STARTTLS.
 * The transport options hold the SMTP password: they are never logged.
 */
import nodemailer from 'nodemailer';
import type { ConfigService } from '../config/config.service.js';

export interface MailSettings {
  host: string;
  port: number;
  secure: boolean;
  requireTls: boolean;
  auth: { user: string; pass: string } | undefined;
  from: string;
  to: string[];
  connectionTimeout: number;
  socketTimeout: number;
  minTls: string | undefined;
}

const TLS_ORDER = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** The settings, or undefined when no SMTP host or no recipient is configured (e-mail off). */
export async function mailSettings(config: ConfigService): Promise<MailSettings | undefined> {
  const host = (await config.get('alert.smtp.host'))?.trim();
  const to = ((await config.get('alert.email.addresses')) ?? '').split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
  if (!host || !to.length) return undefined;
  const port = (await config.getNumber('alert.smtp.port')) || 465;
  const useAuth = await config.getBoolean('alert.smtp.useAuth');
  const ms = async (name: string) => {
    const v = await config.getNumber(name);
    return Number.isFinite(v) && v > 0 ? v : 30_000;
  };
  const protocols = ((await config.get('alert.smtp.enabledSecurityProtocols')) ?? '').split(/\s+/).filter((p) => TLS_ORDER.includes(p));
  const minTls = protocols.length ? TLS_ORDER.find((p) => protocols.includes(p)) : undefined;
  return {
    host, port, secure: port === 465, requireTls: await config.getBoolean('alert.smtp.useStartTLS'),
    auth: useAuth ? { user: (await config.get('alert.smtp.username')) ?? '', pass: (await config.get('alert.smtp.password')) ?? '' } : undefined,
    from: (await config.get('alert.email.sender'))?.trim() || 'cloud@localhost',
    to, connectionTimeout: await ms('alert.smtp.connectiontimeout'), socketTimeout: await ms('alert.smtp.timeout'), minTls,
  };
}

export class Mailer {
  constructor(private readonly config: ConfigService) {}

  /** Whether e-mail is configured at all. */
  async enabled(): Promise<boolean> {
    return (await mailSettings(this.config)) !== undefined;
  }

  /** Sends one message to every recipient; rejects with the SMTP error (which never carries the password). */
  async send(subject: string, text: string): Promise<void> {
    const s = await mailSettings(this.config);
    if (!s) return;
    const transport = nodemailer.createTransport({
      host: s.host, port: s.port, secure: s.secure, requireTLS: s.requireTls, connectionTimeout: s.connectionTimeout,
      greetingTimeout: s.connectionTimeout, socketTimeout: s.socketTimeout, ...(s.auth ? { auth: s.auth } : {}),
      ...(s.minTls ? { tls: { minVersion: s.minTls as 'TLSv1' } } : {}),
      logger: false, debug: false,
    });
    try {
      await transport.sendMail({ from: s.from, to: s.to.join(', '), subject, text });
    } finally {
      transport.close();
    }
  }
}
