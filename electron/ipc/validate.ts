// Runtime validation of every invoke channel's arguments. The renderer is untrusted: each validator
// checks count, types and ranges, rejects unknown fields, and returns a fresh plain object holding only
// the known fields. Messages say which field is wrong and why (never a stack trace in the UI).

import { ALERT_SETTING_LIMITS, type AlertSettings } from '../../shared/alerts';
import { checkNameRequest } from '../../shared/names';
import type { InvokeArgs, InvokeChannel } from '../../shared/ipc-contract';
import {
  checkConnKeys,
  checkExportRequest,
  checkHistoryQuery,
  checkKillRequest,
  checkProbeRequest,
  checkSocketQuery,
  QueryError,
  showValue as show,
} from '../../shared/query-checks';
import { MAX_CHANGES_PER_REQUEST, MAX_SYSCTL_VALUE_LENGTH } from '../../shared/sysctl-catalog';
import { CHANGE_ID_PATTERN, type ApplyTuningRequest } from '../../shared/tuning';
import { isLocale, msg, msgText } from '../../shared/i18n';
import { IpcArgumentError } from './ipc-main';


function fail(channel: string, message: string): never {
  throw new IpcArgumentError(`${channel}: ${message}`);
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

export function validateNoArgs(channel: InvokeChannel, args: readonly unknown[]): [] {
  argCount(channel, args, 0);
  return [];
}

/** The query checks shared with `waitline serve` (shared/query-checks.ts), worded for this channel. */
function checked<T>(channel: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof QueryError) fail(channel, e.message);
    throw e;
  }
}

export function validateHistoryQuery(args: readonly unknown[]): InvokeArgs<'waitline:getHistory'> {
  const ch = 'waitline:getHistory';
  argCount(ch, args, 1);
  return [checked(ch, () => checkHistoryQuery(args[0]))];
}

export function validateSocketQuery(args: readonly unknown[]): InvokeArgs<'waitline:querySockets'> {
  const ch = 'waitline:querySockets';
  argCount(ch, args, 1);
  return [checked(ch, () => checkSocketQuery(args[0]))];
}

export function validateNameRequest(args: readonly unknown[]): InvokeArgs<'waitline:resolveNames'> {
  const ch = 'waitline:resolveNames';
  argCount(ch, args, 1);
  return [checked(ch, () => checkNameRequest(args[0]))];
}

export function validateConnKeys(args: readonly unknown[]): InvokeArgs<'waitline:connectionDetails'> {
  const ch = 'waitline:connectionDetails';
  argCount(ch, args, 1);
  return [checked(ch, () => checkConnKeys(args[0]))];
}

export function validateKillRequest(args: readonly unknown[]): InvokeArgs<'waitline:killConnection'> {
  const ch = 'waitline:killConnection';
  argCount(ch, args, 1);
  return [checked(ch, () => checkKillRequest(args[0]))];
}

export function validateProbeRequest(args: readonly unknown[]): InvokeArgs<'waitline:runProbe'> {
  const ch = 'waitline:runProbe';
  argCount(ch, args, 1);
  return [checked(ch, () => checkProbeRequest(args[0]))];
}

export function validateExportRequest(args: readonly unknown[]): InvokeArgs<'waitline:exportData'> {
  const ch = 'waitline:exportData';
  argCount(ch, args, 1);
  return [checked(ch, () => checkExportRequest(args[0]))];
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
  if (entries.length > MAX_CHANGES_PER_REQUEST) fail(ch, `changes has ${entries.length} keys; at most ${MAX_CHANGES_PER_REQUEST}`);
  // A null-prototype record so a key like "__proto__" stays a plain (and later rejected) key.
  const changes: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of entries) {
    if (key.length > 128) fail(ch, 'a sysctl key is longer than 128 characters');
    if (typeof value !== 'string') fail(ch, `the value of ${show(key)} must be a string, got ${show(value)}`);
    if (value.length > MAX_SYSCTL_VALUE_LENGTH) fail(ch, `the value of ${show(key)} is longer than ${MAX_SYSCTL_VALUE_LENGTH} characters`);
    changes[key] = value;
  }
  const request: ApplyTuningRequest = { changes: { ...changes }, persist: o.persist };
  return [request];
}

export function validateChangeId(channel: 'waitline:confirmTuning' | 'waitline:revertTuning', args: readonly unknown[]): [string] {
  argCount(channel, args, 1);
  const id = args[0];
  if (typeof id !== 'string' || !CHANGE_ID_PATTERN.test(id)) {
    fail(channel, `the change id must look like 20261121T053700Z-0123456789abcdef (the helper's form), got ${show(id)}`);
  }
  return [id];
}

const ALERT_SETTING_FIELDS: readonly string[] = ['enabled', 'notify', ...Object.keys(ALERT_SETTING_LIMITS)];

/** Shape only: a plain object with at most the known fields, booleans and finite numbers. Ranges and
 *  consistency (warning ≤ critical, clear < warning) are judged by validateAlertSettings against the
 *  settings in force, in the alert service, which answers {ok:false, errors} instead of throwing. */
export function validateAlertSettingsPatch(args: readonly unknown[]): InvokeArgs<'waitline:setAlertSettings'> {
  const ch = 'waitline:setAlertSettings';
  argCount(ch, args, 1);
  const o = plainObject(ch, 'the alert settings', args[0], ALERT_SETTING_FIELDS);
  const patch: Partial<AlertSettings> = {};
  for (const field of ALERT_SETTING_FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(o, field)) continue;
    const v = o[field];
    if (field === 'enabled' || field === 'notify') {
      if (typeof v !== 'boolean') fail(ch, `${field} must be true or false, got ${show(v)}`);
      patch[field] = v;
    } else {
      patch[field as keyof typeof ALERT_SETTING_LIMITS] = finiteNumber(ch, field, v);
    }
  }
  return [patch];
}

/** Why a setLocale argument is refused (English: an IPC error message). */
export function localeError(v: unknown): string {
  return msgText(msg('main.setLocale.invalid', { value: show(v) }));
}

/** Exactly one of the locales Waitline has catalogs for ('en' | 'zh-CN'); anything else is refused. */
export function validateLocale(args: readonly unknown[]): InvokeArgs<'waitline:setLocale'> {
  const ch = 'waitline:setLocale';
  argCount(ch, args, 1);
  const v = args[0];
  if (!isLocale(v)) fail(ch, localeError(v));
  return [v];
}
