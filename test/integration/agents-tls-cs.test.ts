/**
 * The acceptance path for hosts: an administrator builds a zone with Debian's `cs`
 * CLI, adds hosts, and sees them Up with the capacity their agent reported — here over an
 * agent port that requires TLS. An agent that does not trust the server's certificate never
 * joins.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { csOk, csSkip } from '../helpers/cs-cli.js';
import { until as waitUntil } from '../helpers/until.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

/** A self-signed certificate for 127.0.0.1, made by openssl for this test only. */
function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}-key.pem`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  assert.equal(r.status, 0, 'openssl made a certificate');
  return { cert, key };
}

const until = <T>(what: string, f: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> => waitUntil(what, f, ms, 100);

for (const dialect of dialectsUnderTest()) {
  describe(`hosts over TLS, built with the cs CLI (${dialect})`, { skip: csSkip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-tls-'));
    const server = selfSigned(dir, 'server');
    const stranger = selfSigned(dir, 'stranger');
    const children: ChildProcess[] = [];
    let s: TestServer;
    const agent = (ca: string, token: string, sub: string) => {
      const c = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'simulator', '--hosts', '2', '--cpus', '16', '--cpu-speed', '2000', '--memory', '32768', '--ca', ca, '--data-dir', join(dir, sub)], {
        env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: token }, stdio: 'ignore',
      });
      children.push(c);
      return c;
    };

    before(async () => {
      s = await startServer(dialect, { options: { agentTlsCert: server.cert, agentTlsKey: server.key } });
    });
    after(async () => {
      for (const c of children) c.kill('SIGKILL');
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('adds hosts with cs, and only an agent trusting the certificate brings them Up', async () => {
      const zone = (await csOk(s, 'createZone', { name: 'tls-zone', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
      const pod = (await csOk(s, 'createPod', { name: 'tls-pod', zoneid: zone.id, gateway: '192.168.50.1', netmask: '255.255.255.0', startip: '192.168.50.10', endip: '192.168.50.40' }))['pod'];
      const cluster = (await csOk(s, 'addCluster', { clustername: 'tls-c', zoneid: zone.id, podid: pod.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
      const token = 'one-time-tls-token';
      for (const i of [0, 1]) {
        const added = await csOk(s, 'addHost', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, url: `http://sim/tls/h${i}`, hypervisor: 'Simulator', username: 'root', password: token });
        assert.equal(added['host'][0].state, 'Connecting');
      }

      // An agent that trusts another certificate cannot complete the TLS handshake.
      agent(stranger.cert, token, 'wrong-ca');
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal((await csOk(s, 'listHosts', { state: 'Up' }))['count'] ?? 0, 0);
      children.pop()!.kill('SIGKILL');

      agent(server.cert, token, 'right-ca');
      const up = await until('hosts Up through TLS', async () => {
        const r = await csOk(s, 'listHosts', { clusterid: cluster.id, state: 'Up' });
        return r['count'] === 2 ? r['host'] : undefined;
      });
      for (const h of up) {
        assert.equal(h.cpunumber, 16);
        assert.equal(h.cpuspeed, 2000);
        assert.equal(h.memorytotal, 32768 * 1024 * 1024);
      }
    });
  });
}
