/** SSH key pair commands over real HTTP: create (private key matches), register, list, delete, scoping. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';
import { fingerprintOf, opensshRsaPublicKey, parsePublicKey } from '../../src/services/sshkeys/ssh-format.js';

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKJ3Fl6FGv3RJv9vVQ5yQbB0RrQy7CwKcXq0+KJqCj2v me@laptop';

for (const dialect of dialectsUnderTest()) {
  describe(`ssh key pairs (${dialect})`, () => {
    let s: TestServer;
    let alice: Awaited<ReturnType<TestServer['newAccount']>>;
    let bob: Awaited<ReturnType<TestServer['newAccount']>>;
    const err = async (c: ApiClient, cmd: string, params: Record<string, string>) => {
      const r = await c.call(cmd, params);
      assert.notEqual(r.status, 200, `${cmd} should fail`);
      return r.inner as { errorcode: number; errortext: string };
    };

    before(async () => {
      s = await startServer(dialect);
      alice = await s.newAccount({ name: `alice${dialect}` });
      bob = await s.newAccount({ name: `bob${dialect}` });
    });
    after(async () => {
      await s.close();
    });

    it('creates a key pair whose private key matches the stored fingerprint', async () => {
      const k = (await alice.ok('createSSHKeyPair', { name: 'k1' }))['keypair'];
      assert.equal(k.name, 'k1');
      assert.equal(k.account, alice.accountName);
      assert.match(k.privatekey, /^-----BEGIN RSA PRIVATE KEY-----/);
      const pub = opensshRsaPublicKey(createPublicKey(createPrivateKey(k.privatekey)).export({ type: 'spki', format: 'pem' }) as string);
      assert.equal(k.fingerprint, fingerprintOf(parsePublicKey(pub)!.blob));
      const listed = (await alice.ok('listSSHKeyPairs', { name: 'k1' }))['sshkeypair'];
      assert.equal(listed.length, 1);
      assert.equal(listed[0].fingerprint, k.fingerprint);
      assert.equal(listed[0].privatekey, undefined);
      const row = await s.app.db.kysely.selectFrom('ssh_keypairs').selectAll().where('uuid', '=', k.id).executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes('PRIVATE'));
    });

    it('registers a public key, filters by fingerprint and rejects bad keys and duplicates with 431', async () => {
      const r = (await alice.ok('registerSSHKeyPair', { name: 'laptop', publickey: ED25519 }))['keypair'];
      assert.equal(r.fingerprint, fingerprintOf(parsePublicKey(ED25519)!.blob));
      const byFp = (await alice.ok('listSSHKeyPairs', { fingerprint: r.fingerprint }))['sshkeypair'];
      assert.deepEqual(byFp.map((k: any) => k.name), ['laptop']);
      assert.equal((await err(alice, 'registerSSHKeyPair', { name: 'bad', publickey: 'ssh-rsa not-base64!' })).errorcode, 431);
      assert.equal((await err(alice, 'registerSSHKeyPair', { name: 'bad', publickey: 'hello world' })).errortext, 'Public key is invalid');
      const dup = await err(alice, 'registerSSHKeyPair', { name: 'laptop', publickey: ED25519 });
      assert.equal(dup.errorcode, 431);
      assert.match(dup.errortext, /already exists/);
      assert.equal((await err(alice, 'createSSHKeyPair', { name: 'k1' })).errorcode, 431);
      // the same key under another name for the same account is refused; another account may register it
      assert.equal((await err(alice, 'registerSSHKeyPair', { name: 'laptop2', publickey: ED25519 })).errorcode, 431);
      await bob.ok('registerSSHKeyPair', { name: 'laptop', publickey: ED25519 });
      const events = (await alice.ok('listEvents', { type: 'REGISTER.SSH.KEYPAIR' }))['event'] ?? [];
      assert.ok(events.length >= 1);
    });

    it('keeps other accounts out: they neither see nor delete', async () => {
      const bobs = (await bob.ok('listSSHKeyPairs'))['sshkeypair'];
      assert.deepEqual(bobs.map((k: any) => k.name), ['laptop']);
      assert.equal((await bob.ok('listSSHKeyPairs', { name: 'k1' }))['count'] ?? 0, 0);
      assert.equal((await err(bob, 'deleteSSHKeyPair', { name: 'k1' })).errorcode, 431);
      const aliceDomain = (await alice.ok('listAccounts'))['account'][0].domainid;
      assert.equal((await err(bob, 'deleteSSHKeyPair', { name: 'k1', account: alice.accountName, domainid: aliceDomain })).errorcode, 531);
      assert.equal((await err(bob, 'listSSHKeyPairs', { account: alice.accountName, domainid: aliceDomain })).errorcode, 531);
      const all = (await s.admin.ok('listSSHKeyPairs', { listall: true }))['sshkeypair'];
      assert.equal(all.length, 3);
    });

    it('deletes by name with the string success and exposes getByName to the VM area', async () => {
      const accountId = Number((await s.app.db.kysely.selectFrom('accounts').select('id').where('uuid', '=', alice.accountId).executeTakeFirstOrThrow()).id);
      assert.equal((await s.app.services.sshKeys.getByName(accountId, 'laptop'))?.public_key, ED25519);
      const r = await alice.call('deleteSSHKeyPair', { name: 'laptop' });
      assert.equal(r.status, 200);
      assert.equal(r.inner['success'], 'true');
      assert.equal(await s.app.services.sshKeys.getByName(accountId, 'laptop'), undefined);
      const aliceDomain = (await alice.ok('listAccounts'))['account'][0].domainid;
      await s.admin.ok('deleteSSHKeyPair', { name: 'k1', account: alice.accountName, domainid: aliceDomain });
      assert.equal((await alice.ok('listSSHKeyPairs'))['count'] ?? 0, 0);
    });

    it('drops the key pairs of a deleted account', async () => {
      await s.admin.jobOk('deleteAccount', { id: bob.accountId });
      const left = await s.app.db.kysely.selectFrom('ssh_keypairs').select('id').execute();
      assert.equal(left.length, 0);
    });
  });
}
