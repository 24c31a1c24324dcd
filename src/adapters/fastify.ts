// corskit/fastify: a Fastify 5 plugin. Thin glue: the policy decides, this file only writes its answer.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import {
  appendVary,
  type CorsDecision,
  type CorsPolicy,
  type CorsPolicyConfig,
  type CorsRequest,
  createCorsPolicy,
  toCorsPolicy,
} from '../policy/index.js';
import { nodeRequestDecider } from '../policy/policy.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's own CORS policy, replacing the app's, or false for no CORS headers at all. */
    cors?: CorsPolicy | CorsPolicyConfig | false;
  }
}

type RouteSetting = CorsPolicy | CorsPolicyConfig | false;
/** decide() of a policy, for Node's request. */
type Decide = ReturnType<typeof nodeRequestDecider>;

/** The Vary tokens still to append when the reply is sent: a reply decoration, so that setting it per
 *  request keeps the reply's shape (no WeakMap, no new property). */
const VARY = 'corskitVary';
type WithVary = FastifyReply & { [VARY]: readonly string[] | null };

/**
 * The plugin: `await app.register(cors(config))` before the routes. It applies to the whole app (it is
 * not encapsulated). Preflights are answered in an onRequest hook, before authentication hooks and
 * before routing decides on a 404; every other request gets its CORS headers there too, so error
 * responses keep them. A route's `config.cors` replaces the app policy for requests routed to it, for
 * routes declared after the plugin.
 */
export function cors(policyOrConfig: CorsPolicy | CorsPolicyConfig): FastifyPluginAsync {
  const decideApp = nodeRequestDecider(toCorsPolicy(policyOrConfig));
  const routePolicies = new WeakMap<CorsPolicyConfig, CorsPolicy>();

  const policyFor = (setting: RouteSetting): CorsPolicy | null => {
    if (setting === false) return null;
    if (isPolicy(setting)) return setting;
    let policy = routePolicies.get(setting);
    if (policy === undefined) {
      policy = createCorsPolicy(setting);
      routePolicies.set(setting, policy);
    }
    return policy;
  };

  const plugin: FastifyPluginAsync = async (app) => {
    const overriddenUrls = new Set<string>();
    // Whether any route has a policy of its own: until one has, the app policy answers every request
    // without reading request.routeOptions, a getter that builds an object of a dozen fields and asks
    // the router about version constraints on each read (about 0.2 µs a request over HTTP,
    // bench/http/profile.ts).
    let routeSettings = false;
    app.decorateReply(VARY, null);

    // Build route policies when routes are declared, so config errors throw at startup, and keep each
    // one's decide() in the route's config. Fastify tells a plugin only about the routes declared after it: a route
    // declared before gets the app policy, whether or not it has a config.cors (docs/adapters.md).
    app.addHook('onRoute', (route) => {
      const setting = route.config?.cors;
      if (setting === undefined) return;
      const policy = policyFor(setting);
      const own: RouteConfig = { [ROUTE_DECIDE]: policy === null ? null : nodeRequestDecider(policy) };
      route.config = { ...route.config, ...own };
      routeSettings = true;
      if (setting !== false) overriddenUrls.add(route.url);
    });

    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
      const decide = routeSettings ? routeDecideOf(request, decideApp) : decideApp;
      if (decide === null) return done();
      const decision = decide(request.raw as CorsRequest); // method and headers, read in place
      if (decision instanceof Promise) decision.then((d) => answer(d, reply as WithVary, done));
      else answer(decision, reply as WithVary, done);
    });

    // Vary is written when the reply is sent, after the handler: appending to whatever it set (reply.header
    // overwrites) costs one write, and every response made after the hook, errors included, gets it.
    app.addHook('onSend', (_request, reply, payload, done) => {
      const tokens = (reply as WithVary)[VARY];
      if (tokens !== null) reply.header('vary', appendVary(reply.getHeader('vary'), tokens));
      done(null, payload);
    });

    // A preflight is an OPTIONS request: without an OPTIONS route on the path it never reaches the
    // route that overrides the policy, and the app policy answers it. Said through process.emitWarning,
    // so it is seen whatever logger the app has (or none).
    app.addHook('onReady', function (done) {
      for (const url of overriddenUrls) {
        if (!this.hasRoute({ url, method: 'OPTIONS' })) {
          process.emitWarning(
            `corskit: ${url} has its own CORS policy, but its preflights are answered by the app policy; ` +
              'declare an OPTIONS route for it with the same config.cors',
            { code: 'CORSKIT_ROUTE_PREFLIGHT' },
          );
        }
      }
      done();
    });
  };

  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'corskit',
  });
}

/** decide() of a route's own policy (null: no CORS), kept in its config when it was declared. */
const ROUTE_DECIDE = Symbol('corskit.routeDecide');
type RouteConfig = { [ROUTE_DECIDE]?: Decide | null } | undefined;

function routeDecideOf(request: FastifyRequest, decideApp: Decide): Decide | null {
  const own = (request.routeOptions.config as RouteConfig)?.[ROUTE_DECIDE];
  return own === undefined ? decideApp : own;
}

function answer(decision: CorsDecision, reply: WithVary, done: HookHandlerDoneFunction): void {
  const headers = decision.headers;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i] as readonly [string, string];
    reply.header(lowercase(name), value);
  }
  if (decision.kind === 'preflight') {
    if (decision.vary.length > 0) reply.header('vary', appendVary(reply.getHeader('vary'), decision.vary));
    reply.code(decision.status ?? 204).send();
    return;
  }
  if (decision.vary.length > 0) reply[VARY] = decision.vary;
  done();
}

/** Fastify lowercases every header name it is given (reply.header, reply.getHeader) and sends them so.
 *  Handing it lowercase literals spares, per header, a new string and the lookup that turns it into a
 *  property key: about half of what setting a header costs. The bytes on the wire are the same. */
function lowercase(name: string): string {
  switch (name) {
    case 'Access-Control-Allow-Origin':
      return 'access-control-allow-origin';
    case 'Access-Control-Allow-Credentials':
      return 'access-control-allow-credentials';
    case 'Access-Control-Allow-Methods':
      return 'access-control-allow-methods';
    case 'Access-Control-Allow-Headers':
      return 'access-control-allow-headers';
    case 'Access-Control-Max-Age':
      return 'access-control-max-age';
    case 'Access-Control-Expose-Headers':
      return 'access-control-expose-headers';
    case 'Access-Control-Allow-Private-Network':
      return 'access-control-allow-private-network';
    default:
      return name;
  }
}

function isPolicy(value: CorsPolicy | CorsPolicyConfig): value is CorsPolicy {
  return typeof (value as CorsPolicy).decide === 'function';
}
