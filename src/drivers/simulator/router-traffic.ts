/**
 * Simulated router traffic, deterministic so tests can predict every byte: a router's counters
 * start at zero when it boots (start, reboot, arrival by migration: `bootId` changes) and grow
 * at each sample, by the `sent:`/`received:` bytes of a `NetworkUsageCommand` mock when one
 * applies, else by a steady default from the router's applied document: per guest in its DHCP
 * table, 64 KiB sent and 256 KiB received per sample (no guests, no traffic).
 */
import { randomUUID } from 'node:crypto';
import type { RouterTrafficCounter } from '../../protocol/messages.js';

export const DEFAULT_SENT_PER_GUEST = 64 * 1024;
export const DEFAULT_RECEIVED_PER_GUEST = 256 * 1024;

export interface TrafficCounter {
  bootId: string;
  sent: number;
  received: number;
}

/** One sample's growth of the counters. */
export function defaultTraffic(document: Record<string, unknown> | undefined): { sent: number; received: number } {
  const guests = Array.isArray(document?.['dhcp']) ? (document['dhcp'] as unknown[]).length : 0;
  return { sent: guests * DEFAULT_SENT_PER_GUEST, received: guests * DEFAULT_RECEIVED_PER_GUEST };
}

/** Advances (or starts, after a boot) the counters and returns them as the agent reports them. */
export function sampleTraffic(instanceName: string, cur: TrafficCounter | undefined, grow: { sent: number; received: number }): { counter: TrafficCounter; report: RouterTrafficCounter } {
  const counter = cur ?? { bootId: randomUUID(), sent: 0, received: 0 };
  counter.sent += grow.sent;
  counter.received += grow.received;
  return { counter, report: { instanceName, bootId: counter.bootId, sent: counter.sent, received: counter.received } };
}
