/**
 * VLAN-tagged router legs end to end (issue #8): with `guestInterface` set, a router's guest
 * bridge gets the VLAN sub-interface of that interface, and a guest behind a switch reaches
 * the gateway only with frames tagged with the network's VLAN; with `publicInterface` set, a
 * tagged public NIC's bridge gets that interface's sub-interface, and the guest reaches the
 * internet through source NAT only over the public VLAN. This machine's kernel has no
 * 802.1Q, so the real router code runs inside a Debian-kernel guest (test/helpers/kernel-lab.ts)
 * as network-vlan-legs.guest.ts; each of its tests is checked here by name from its TAP output.
 * Skipped without QEMU, the Debian kernel or root, or without the router's tools.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { kernelLabSkipReason, runInKernelLab, type KernelLabRun } from '../helpers/kernel-lab.js';
import { netnsUnavailable } from '../helpers/netns-lab.js';

const GUEST_SCRIPT = fileURLToPath(new URL('./network-vlan-legs.guest.js', import.meta.url));
const skip = kernelLabSkipReason(['8021q', 'bridge', 'veth', 'nf_tables']) || (await netnsUnavailable(['nft', 'dnsmasq', 'haproxy', 'tc', 'busybox']));
const TESTS = [
  'start puts trunk0.600 into the network bridge beside the router leg',
  'start puts ptrunk0.700 into the public bridge beside the router public leg',
  'the guest behind the switch gets its DHCP lease over VLAN 600 and pings the gateway',
  'the guest reaches the internet through source NAT over public VLAN 700',
  'with the switch on VLAN 601 the guest cannot reach the gateway; back on 600 it can',
  'with the internet on VLAN 701 the guest cannot reach it; back on 700 it can',
  'starting and applying again changes nothing on the host',
  'destroy removes trunk0.600, ptrunk0.700 and both bridges; the trunks themselves stay',
];

describe('router legs on VLAN sub-interfaces of the guest and public interfaces (Debian kernel under QEMU)', { skip: skip || false, timeout: 300_000 }, () => {
  let run: KernelLabRun;

  before(async () => {
    run = await runInKernelLab(GUEST_SCRIPT, { nodeArgs: ['--test-reporter=tap'], timeoutMs: 240_000 });
    console.log(`kernel lab: exit ${run.code} after ${(run.ms / 1000).toFixed(1)} s`);
  });

  it('the guest script ran to its end and passed', () => {
    assert.equal(run.code, 0, `guest output:\n${run.output}\nguest console (tail):\n${run.console.slice(-4000)}`);
  });

  for (const name of TESTS) {
    it(name, () => {
      // TAP: `ok 3 - <name>` or `not ok 3 - <name>` followed by its YAML block (the failure).
      const lines = run.output.split('\n');
      const at = lines.findIndex((l) => /^(not )?ok \d+ - /.test(l) && l.replace(/^(not )?ok \d+ - /, '') === name);
      assert.ok(at >= 0, `no result for "${name}" in:\n${run.output}`);
      const end = lines.findIndex((l, i) => i > at && /^\s*\.\.\.$/.test(l));
      assert.match(lines[at]!, /^ok /, lines.slice(at, end + 1).join('\n'));
    });
  }
});
