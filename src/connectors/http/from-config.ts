/**
 * The `http` settings of a connector in the config file, turned into the
 * connector's options. The config keys mirror HttpConnectorOptions, so
 * optionProblems' messages name config keys too; empty values in the config
 * stand for "not set" (JSON Schema defaults cannot be absent).
 */
import type { HttpSettings, ValueFromSettings } from '../../config/types.js';
import type { HttpConnectorOptions, ValueFrom } from './options.js';

const valueFrom = (v: ValueFromSettings<string>): ValueFrom =>
  v.type === 'regex' ? { type: 'regex', pattern: v.pattern } : { type: 'json', path: v.path };

export function httpOptionsFromConfig(name: string, h: HttpSettings): HttpConnectorOptions {
  const id = h.response.messageIdFrom;
  const err = h.response.errorFrom;
  const hook = h.webhook;
  return {
    name,
    url: h.url,
    method: h.method,
    headers: h.headers,
    query: h.query,
    ...(Object.keys(h.body.fields).length ? { body: { type: h.body.type, fields: h.body.fields } } : {}),
    ...(h.from ? { from: h.from } : {}),
    timeoutMs: h.timeoutMs,
    throttleQuietMs: h.throttleQuietMs,
    response: {
      ...(h.response.okStatus.length ? { okStatus: h.response.okStatus } : {}),
      ...(h.response.temporaryStatus.length ? { temporaryStatus: h.response.temporaryStatus } : {}),
      uncertainStatus: h.response.uncertainStatus,
      connectorErrorStatus: h.response.connectorErrorStatus,
      messageIdFrom: id.type === 'ours' ? { type: 'ours' } : valueFrom(id),
      ...(err.type === 'none' ? {} : { errorFrom: valueFrom(err) }),
    },
    ...(hook.enabled
      ? {
        webhook: {
          listen: hook.listen,
          path: hook.path || `/dlr/${encodeURIComponent(name)}`,
          ...(hook.publicUrl ? { publicUrl: hook.publicUrl } : {}),
          secret: hook.secret,
          dlrUrlQuery: hook.dlrUrlQuery,
          ...(hook.dlrUrlSuffix ? { dlrUrlSuffix: hook.dlrUrlSuffix } : {}),
          idParam: hook.idParam,
          statusParam: hook.statusParam,
          statusMap: hook.statusMap,
          ...(hook.reasonParam ? { reasonParam: hook.reasonParam } : {}),
          ...(hook.ourIdParam ? { ourIdParam: hook.ourIdParam } : {}),
          ...(hook.mo.path ? { mo: hook.mo } : {}),
        },
      }
      : {}),
  };
}
