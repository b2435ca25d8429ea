// Types for the parts of undici that proxy/upstream/client.ts loads by path instead of
// through undici's index: the same classes the index exports, which its own types describe.
declare module 'undici/lib/dispatcher/dispatcher.js' {
  import { Dispatcher } from 'undici';
  export default Dispatcher;
}

declare module 'undici/lib/dispatcher/env-http-proxy-agent.js' {
  import { EnvHttpProxyAgent } from 'undici';
  export default EnvHttpProxyAgent;
}

/** request, stream, pipeline, upgrade and connect: undici's index puts them on Dispatcher.prototype. */
declare module 'undici/lib/api/index.js' {
  const api: Record<'request' | 'stream' | 'pipeline' | 'upgrade' | 'connect', unknown>;
  export default api;
}
