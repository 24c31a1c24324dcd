// corskit/fastify: a Fastify 5 plugin. Thin glue: the policy decides, this file only writes its answer.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import {
  appendVary,
  type CorsDecision,
  type CorsPolicy,
  type CorsPolicyConfig,
  createCorsPolicy,
  toCorsPolicy,
} from '../policy/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's own CORS policy, replacing the app's, or false for no CORS headers at all. */
    cors?: CorsPolicy | CorsPolicyConfig | false;
  }
}

type RouteSetting = CorsPolicy | CorsPolicyConfig | false | undefined;

/**
 * The plugin: `await app.register(cors(config))` before the routes. It applies to the whole app (it is
 * not encapsulated). Preflights are answered in an onRequest hook, before authentication hooks and
 * before routing decides on a 404; every other request gets its CORS headers there too, so error
 * responses keep them. A route's `config.cors` replaces the app policy for requests routed to it.
 */
export function cors(policyOrConfig: CorsPolicy | CorsPolicyConfig): FastifyPluginAsync {
  const appPolicy = toCorsPolicy(policyOrConfig);
  const routePolicies = new WeakMap<CorsPolicyConfig, CorsPolicy>();
  const varyTokens = new WeakMap<FastifyReply, readonly string[]>();

  const policyFor = (setting: RouteSetting): CorsPolicy | null => {
    if (setting === undefined) return appPolicy;
    if (setting === false) return null;
    if (isPolicy(setting)) return setting;
    let policy = routePolicies.get(setting);
    if (policy === undefined) {
      policy = createCorsPolicy(setting);
      routePolicies.set(setting, policy);
    }
    return policy;
  };

  const answer = (decision: CorsDecision, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    for (const [name, value] of decision.headers) reply.header(name, value);
    if (decision.vary.length > 0) {
      reply.header('Vary', appendVary(reply.getHeader('Vary'), decision.vary));
      varyTokens.set(reply, decision.vary);
    }
    if (decision.kind === 'preflight') reply.code(decision.status ?? 204).send();
    else done();
  };

  const plugin: FastifyPluginAsync = async (app) => {
    const overriddenUrls = new Set<string>();

    // Build route policies when routes are declared, so config errors throw at startup.
    app.addHook('onRoute', (route) => {
      const setting = route.config?.cors;
      if (setting === undefined) return;
      policyFor(setting);
      if (setting !== false) overriddenUrls.add(route.url);
    });

    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
      const policy = policyFor(request.routeOptions.config?.cors);
      if (policy === null) return done();
      const decision = policy.decide({ method: request.method, headers: request.headers });
      if (decision instanceof Promise) decision.then((d) => answer(d, reply, done));
      else answer(decision, reply, done);
    });

    // The handler may have replaced Vary (reply.header overwrites): append ours again.
    app.addHook('onSend', (_request, reply, payload, done) => {
      const tokens = varyTokens.get(reply);
      if (tokens !== undefined) reply.header('Vary', appendVary(reply.getHeader('Vary'), tokens));
      done(null, payload);
    });

    // A preflight is an OPTIONS request: without an OPTIONS route on the path it never reaches the
    // route that overrides the policy, and the app policy answers it.
    app.addHook('onReady', function (done) {
      for (const url of overriddenUrls) {
        if (!this.hasRoute({ url, method: 'OPTIONS' })) {
          this.log.warn(
            `corskit: ${url} has its own CORS policy, but its preflights are answered by the app policy; ` +
              'declare an OPTIONS route for it with the same config.cors',
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

function isPolicy(value: CorsPolicy | CorsPolicyConfig): value is CorsPolicy {
  return typeof (value as CorsPolicy).decide === 'function';
}
