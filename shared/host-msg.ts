// Host sentences that embed another sentence (docs/i18n.md): the outer catalog text names the inner
// one by nesting, `$t(host.history.why.{{why}})`, and the Msg carries the inner key's last segment under
// that variable plus the inner parameters. Rendering the outer Msg in a language renders the inner one
// in the same language; msgText() of it is the English sentence. Pure.
import { msg, type Msg, type MsgKey } from './i18n';

/** The parameters that put `inner` into an outer text as `$t(<inner's group>.{{name}})`. */
export function nestParams(name: string, inner: Msg): Record<string, string | number> {
  return { ...inner.params, [name]: keyLeaf(inner.key) };
}

/** An outer Msg holding `inner` under `name`, with its own parameters. */
export function nestMsg(key: MsgKey, name: string, inner: Msg, params?: Record<string, string | number>): Msg {
  return msg(key, { ...nestParams(name, inner), ...params });
}

/** The last segment of a key: the value of a nesting variable that names a fixed phrase, e.g.
 *  `{ rel: keyLeaf('host.kill.release.unknown') }` for `$t(host.kill.release.{{rel}})`. */
export function keyLeaf(key: MsgKey): string {
  return key.slice(key.lastIndexOf('.') + 1);
}
