// Runtime validation of every invoke channel's arguments. The renderer is untrusted: each validator
// checks count, types and ranges, rejects unknown fields, and returns a fresh plain object holding only
// the known fields. Messages say which field is wrong and why (never a stack trace in the UI).

import type { HistoryQuery } from '../../shared/api';
import { MAX_HISTORY_POINTS } from '../../shared/history';
import type { InvokeArgs, InvokeChannel } from '../../shared/ipc-contract';
import type { SocketQuery, SocketSortKey } from '../../shared/snapshot';
import { TCP_STATES, type TcpState } from '../../shared/tcp';
import type { ApplyTuningRequest } from '../../shared/tuning';
import { IpcArgumentError } from './ipc-main';

/** SocketQuery.limit contract (shared/snapshot.ts). */
export const MAX_SOCKET_PAGE = 1000;
const MAX_FILTER_TEXT = 200;
const MAX_TUNING_KEYS = 64;
const MAX_TUNING_VALUE = 512;
/** Journal ids are short tokens; anything else cannot be one. */
const CHANGE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

const SORT_KEYS: readonly SocketSortKey[] = [
  'state',
  'local',
  'remote',
  'localPort',
  'remotePort',
  'timerLeftMs',
  'txQueue',
  'rxQueue',
  'uid',
  'process',
];

function fail(channel: string, message: string): never {
  throw new IpcArgumentError(`${channel}: ${message}`);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

function argCount(channel: string, args: readonly unknown[], n: number): void {
  if (args.length !== n) fail(channel, `expected ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
}

function plainObject(channel: string, what: string, v: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(channel, `${what} must be an object, got ${show(v)}`);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) fail(channel, `${what} must be a plain object`);
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) fail(channel, `${what} has an unknown field ${show(k)}`);
  }
  return v as Record<string, unknown>;
}

function finiteNumber(channel: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(channel, `${field} must be a finite number, got ${show(v)}`);
  return v;
}

function integerIn(channel: string, field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(channel, `${field} must be an integer from ${min} to ${max}, got ${show(v)}`);
  }
  return v;
}

function shortText(channel: string, field: string, v: unknown, max: number): string {
  if (typeof v !== 'string') fail(channel, `${field} must be a string, got ${show(v)}`);
  if (v.length > max) fail(channel, `${field} is longer than ${max} characters`);
  return v;
}

export function validateNoArgs(channel: InvokeChannel, args: readonly unknown[]): [] {
  argCount(channel, args, 0);
  return [];
}

export function validateHistoryQuery(args: readonly unknown[]): InvokeArgs<'waitline:getHistory'> {
  const ch = 'waitline:getHistory';
  argCount(ch, args, 1);
  const o = plainObject(ch, 'the history query', args[0], ['fromMs', 'toMs', 'maxPoints']);
  const q: HistoryQuery = {
    fromMs: finiteNumber(ch, 'fromMs', o.fromMs),
    toMs: finiteNumber(ch, 'toMs', o.toMs),
    maxPoints: integerIn(ch, 'maxPoints', o.maxPoints, 1, MAX_HISTORY_POINTS),
  };
  if (q.toMs < q.fromMs) fail(ch, `toMs (${q.toMs}) is before fromMs (${q.fromMs})`);
  return [q];
}

export function validateSocketQuery(args: readonly unknown[]): InvokeArgs<'waitline:querySockets'> {
  const ch = 'waitline:querySockets';
  argCount(ch, args, 1);
  const o = plainObject(ch, 'the socket query', args[0], [
    'states',
    'address',
    'port',
    'process',
    'sort',
    'descending',
    'offset',
    'limit',
  ]);
  const q: SocketQuery = {};
  if (o.states !== undefined) {
    if (!Array.isArray(o.states)) fail(ch, `states must be an array of TCP state names, got ${show(o.states)}`);
    if (o.states.length > TCP_STATES.length) fail(ch, `states lists more than ${TCP_STATES.length} entries`);
    const states: TcpState[] = [];
    for (const s of o.states) {
      if (typeof s !== 'string' || !(TCP_STATES as readonly string[]).includes(s)) {
        fail(ch, `states contains ${show(s)}, which is not a TCP state (expected one of ${TCP_STATES.join(', ')})`);
      }
      if (!states.includes(s as TcpState)) states.push(s as TcpState);
    }
    q.states = states;
  }
  if (o.address !== undefined) q.address = shortText(ch, 'address', o.address, MAX_FILTER_TEXT);
  if (o.port !== undefined) q.port = integerIn(ch, 'port', o.port, 0, 65535);
  if (o.process !== undefined) q.process = shortText(ch, 'process', o.process, MAX_FILTER_TEXT);
  if (o.sort !== undefined) {
    if (typeof o.sort !== 'string' || !(SORT_KEYS as readonly string[]).includes(o.sort)) {
      fail(ch, `sort must be one of ${SORT_KEYS.join(', ')}, got ${show(o.sort)}`);
    }
    q.sort = o.sort as SocketSortKey;
  }
  if (o.descending !== undefined) {
    if (typeof o.descending !== 'boolean') fail(ch, `descending must be true or false, got ${show(o.descending)}`);
    q.descending = o.descending;
  }
  if (o.offset !== undefined) q.offset = integerIn(ch, 'offset', o.offset, 0, Number.MAX_SAFE_INTEGER);
  if (o.limit !== undefined) q.limit = integerIn(ch, 'limit', o.limit, 1, MAX_SOCKET_PAGE);
  return [q];
}

/** Shape only: whether each key and value is acceptable to the catalog is decided by the tuning
 *  service, which answers {ok:false, code:'invalid'} with per-key messages instead of throwing. */
export function validateApplyTuning(args: readonly unknown[]): InvokeArgs<'waitline:applyTuning'> {
  const ch = 'waitline:applyTuning';
  argCount(ch, args, 1);
  const o = plainObject(ch, 'the tuning request', args[0], ['changes', 'persist']);
  if (typeof o.persist !== 'boolean') fail(ch, `persist must be true or false, got ${show(o.persist)}`);
  if (o.changes === null || typeof o.changes !== 'object' || Array.isArray(o.changes)) {
    fail(ch, `changes must be an object of sysctl key → value, got ${show(o.changes)}`);
  }
  const proto = Object.getPrototypeOf(o.changes);
  if (proto !== Object.prototype && proto !== null) fail(ch, 'changes must be a plain object');
  const entries = Object.entries(o.changes as Record<string, unknown>);
  if (entries.length > MAX_TUNING_KEYS) fail(ch, `changes has ${entries.length} keys; at most ${MAX_TUNING_KEYS}`);
  // A null-prototype record so a key like "__proto__" stays a plain (and later rejected) key.
  const changes: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of entries) {
    if (key.length > 128) fail(ch, 'a sysctl key is longer than 128 characters');
    if (typeof value !== 'string') fail(ch, `the value of ${show(key)} must be a string, got ${show(value)}`);
    if (value.length > MAX_TUNING_VALUE) fail(ch, `the value of ${show(key)} is longer than ${MAX_TUNING_VALUE} characters`);
    changes[key] = value;
  }
  const request: ApplyTuningRequest = { changes: { ...changes }, persist: o.persist };
  return [request];
}

export function validateChangeId(channel: 'waitline:confirmTuning' | 'waitline:revertTuning', args: readonly unknown[]): [string] {
  argCount(channel, args, 1);
  const id = args[0];
  if (typeof id !== 'string' || !CHANGE_ID.test(id)) {
    fail(channel, `the change id must be a short token of letters, digits and ._:- , got ${show(id)}`);
  }
  return [id];
}
