/**
 * Computes each VM's security-group rule set from the database and sends it to the VM's
 * host (CloudStack's SecurityGroupRulesCmd, one per VM). Called after the change commits:
 * a rule change re-pushes the group's members; a membership change also re-pushes the
 * members of every group whose rules allow that group (their peer addresses changed).
 * A host that cannot be reached is logged and skipped: the VM gets its full set again the
 * next time it starts or its groups change.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../db/schema/index.js';
import { QueryTemplate } from '../../db/prepared.js';

/** Every start asks (issue #5 bench): a template. */
const GROUPS_OF_VM = new QueryTemplate((k, $) => k.selectFrom('security_group_vm_map').select('security_group_id').where('vm_id', '=', $<number>('vmId')));
import type { SecurityGroupRuleSet, SecurityRuleSpec } from '../../protocol/messages.js';

/** The part of the agents service the pusher uses. */
export interface RuleSender {
  send(hostId: number, cmd: { type: 'ApplySecurityGroupRules'; ruleSet: SecurityGroupRuleSet }): Promise<{ result: boolean } & Record<string, unknown>>;
}

/** States in which a VM is on a host and filtered by it. */
const ON_HOST = ['Starting', 'Running', 'Migrating', 'Stopping'];

export class SecurityGroupPusher {
  private last = 0;

  constructor(
    private readonly k: Kysely<Database>,
    private readonly sender: () => RuleSender | undefined,
    private readonly log: Logger,
  ) {}

  /** Increasing across pushes of this process (and, by the clock, across servers). */
  private nextVersion(): number {
    this.last = Math.max(this.last + 1, Date.now() * 1000);
    return this.last;
  }

  /** The rule set `vmId` should have, or undefined for a VM without groups. */
  async ruleSet(vmId: number): Promise<SecurityGroupRuleSet | undefined> {
    const k = this.k;
    const vm = await k.selectFrom('vm_instances').select(['instance_name', 'uuid']).where('id', '=', vmId).executeTakeFirst();
    if (!vm) return undefined;
    const groups = (await k.selectFrom('security_group_vm_map').select('security_group_id').where('vm_id', '=', vmId).execute()).map((g) => g.security_group_id);
    if (groups.length === 0) return undefined;
    const [nic, rules] = await Promise.all([
      k.selectFrom('nics').select(['ip_address', 'mac_address']).where('vm_id', '=', vmId).where('removed', 'is', null).orderBy('is_default', 'desc').orderBy('device_id').executeTakeFirst(),
      k.selectFrom('security_group_rules').selectAll().where('security_group_id', 'in', groups).orderBy('id').execute(),
    ]);
    const allowed = [...new Set(rules.map((r) => r.allowed_security_group_id).filter((x): x is number => x !== null))];
    const peers = allowed.length === 0 ? [] : await k.selectFrom('security_group_vm_map as m')
      .innerJoin('vm_instances as v', 'v.id', 'm.vm_id')
      .innerJoin('nics as c', (j) => j.onRef('c.vm_id', '=', 'v.id').on('c.removed', 'is', null))
      .select(['m.security_group_id', 'c.ip_address'])
      .where('m.security_group_id', 'in', allowed).where('v.removed', 'is', null).where('v.state', 'not in', ['Destroyed', 'Expunging', 'Error'])
      .orderBy('c.id').execute();
    const peerCidrs = (gid: number) => [...new Set(peers.filter((p) => p.security_group_id === gid && p.ip_address).map((p) => `${p.ip_address}/32`))];
    const specs = (type: string): SecurityRuleSpec[] => rules.filter((r) => r.type === type).map((r) => ({
      protocol: r.protocol, startPort: r.start_port, endPort: r.end_port, icmpType: r.icmp_type, icmpCode: r.icmp_code,
      cidrs: r.cidr !== null ? [r.cidr] : peerCidrs(r.allowed_security_group_id!),
    })).filter((s) => s.cidrs.length > 0);
    return {
      instanceName: vm.instance_name, vmUuid: vm.uuid, ip: nic?.ip_address ?? null, mac: nic?.mac_address ?? null, version: this.nextVersion(),
      ingress: specs('ingress'), egress: specs('egress'),
      // CloudStack: while a VM's groups have no egress rule, all egress is allowed.
      egressDefaultAllow: !rules.some((r) => r.type === 'egress'),
    };
  }

  /** Pushes to the members of `groupIds` (and, with `peers`, of the groups that allow them). */
  async pushGroups(groupIds: number[], opts: { peers?: boolean } = {}): Promise<void> {
    if (groupIds.length === 0) return;
    let groups = [...new Set(groupIds)];
    if (opts.peers) {
      const allowing = await this.k.selectFrom('security_group_rules').select('security_group_id').where('allowed_security_group_id', 'in', groups).execute();
      groups = [...new Set([...groups, ...allowing.map((r) => r.security_group_id)])];
    }
    const vms = await this.k.selectFrom('security_group_vm_map as m').innerJoin('vm_instances as v', 'v.id', 'm.vm_id')
      .select('v.id').distinct().where('m.security_group_id', 'in', groups).where('v.removed', 'is', null).where('v.host_id', 'is not', null)
      .where('v.state', 'in', ON_HOST).execute();
    for (const v of vms) await this.pushVm(v.id);
  }

  /** A host (re)connected: every VM on it gets its full set again (an agent keeps them in memory only). */
  async pushHost(hostId: number): Promise<void> {
    const vms = await this.k.selectFrom('vm_instances as v').select('v.id').where('v.host_id', '=', hostId).where('v.removed', 'is', null).where('v.state', 'in', ON_HOST)
      .where('v.id', 'in', this.k.selectFrom('security_group_vm_map').select('vm_id')).execute();
    for (const v of vms) await this.pushVm(v.id);
  }

  /** A VM started, stopped or was destroyed: its own set and its groups' peers' sets (its address comes or goes). */
  async vmChanged(vmId: number): Promise<void> {
    const groups = await GROUPS_OF_VM.execute(this.k, '', { vmId });
    await this.pushGroups(groups.map((g) => g.security_group_id), { peers: true });
  }

  /** Sends the VM's current set to its host; false when it has none or the host failed. */
  async pushVm(vmId: number): Promise<boolean> {
    const vm = await this.k.selectFrom('vm_instances').select(['host_id', 'state', 'instance_name']).where('id', '=', vmId).executeTakeFirst();
    if (!vm || vm.host_id === null || !ON_HOST.includes(vm.state)) return false;
    const set = await this.ruleSet(vmId);
    const agents = this.sender();
    if (!set || !agents) return false;
    try {
      const a = await agents.send(vm.host_id, { type: 'ApplySecurityGroupRules', ruleSet: set });
      if (a.result === false) throw new Error(String(a['details'] ?? 'failed'));
      return true;
    } catch (e) {
      this.log.warn({ err: e, vm: vm.instance_name, hostId: vm.host_id }, 'pushing security group rules failed');
      return false;
    }
  }
}
